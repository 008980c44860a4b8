package io.rawloop.server.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server in a process of its own that says {@code listening on http://HOST:PORT} (or https) once it
 * accepts, as the demo ({@code rawloop-server.jar}) and every {@code rawloop-compare.jar serve}
 * back-end do: started, and waited for until it says so, with the port it chose and everything it
 * printed. Used by the bench (one JVM per back-end) and by the tests that need a real process (a
 * signal, a descriptor limit, an exit status).
 */
public final class ListeningProcess {

    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^:]+:(\\d+)");

    private final Process process;
    private final int port;
    private final StringBuffer output;

    private ListeningProcess(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /**
     * Starts {@code command} (stderr joined to stdout) and returns once it printed its listening
     * line.
     *
     * @param what     how to name it in an error ("the server", "netty-epoll")
     * @param deadline how long it may take to listen
     * @throws IllegalStateException if it ends, or does not listen within the deadline, first; the
     *                               message has what it printed (and a late process is killed)
     */
    public static ListeningProcess start(List<String> command, String what, Duration deadline)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuffer seen = new StringBuffer();
        Thread.ofPlatform().daemon().name("output of " + what).start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException(what + " ended before listening:\n" + seen));
        });
        try {
            return new ListeningProcess(p, port.get(deadline.toMillis(), TimeUnit.MILLISECONDS), seen);
        } catch (ExecutionException e) {
            throw (IllegalStateException) e.getCause();
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new IllegalStateException(what + " did not listen within " + deadline.toMillis() + " ms:\n" + seen);
        }
    }

    /** The process. */
    public Process process() {
        return process;
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** What it printed so far (stdout and stderr). */
    public String output() {
        return output.toString();
    }
}
