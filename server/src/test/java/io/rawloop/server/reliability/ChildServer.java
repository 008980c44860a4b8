package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo server in a process of its own, started the way a user starts it (its main class,
 * the same JDK, the export flag), optionally under a command prefix such as {@code prlimit}: for
 * what only a real process has (a descriptor limit, a signal, an exit status).
 */
final class ChildServer implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");

    final Process process;
    final int port;
    private final StringBuffer output;

    private ChildServer(Process process, int port, StringBuffer output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /** What the process printed so far (stdout and stderr). */
    String output() {
        return output.toString();
    }

    /** Starts {@code DemoServer --port 0 --loops 1 args...} after {@code prefix}; returns once it listens. */
    static ChildServer start(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
        command.add("-Xmx256m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.rawloop.server.demo.DemoServer");
        command.addAll(List.of("--port", "0", "--loops", "1"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        StringBuffer seen = new StringBuffer();
        Thread.ofPlatform().daemon().start(() -> {
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
            port.completeExceptionally(new IllegalStateException("the server ended before listening:\n" + seen));
        });
        return new ChildServer(p, port.get(60, TimeUnit.SECONDS), seen);
    }

    /** CPU time the process has used so far. */
    Duration cpu() {
        return process.info().totalCpuDuration().orElseThrow();
    }

    /** SIGTERM, then the exit status, waiting at most {@code deadline}. */
    int terminate(Duration deadline) throws InterruptedException {
        process.destroy();   // SIGTERM on Linux
        assertTrue(process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS),
                "the server did not exit within " + deadline.toMillis() + " ms of SIGTERM");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
