package io.rawloop.compare.bench;

import io.rawloop.loop.IoErrors;
import io.rawloop.server.demo.ListeningProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A back-end in a JVM of its own ({@code serve BACKEND --port 0 --control}), with the same flags
 * for every back-end, pinned to its cores when {@code taskset} exists; and what is known of it:
 * from the kernel, CPU time (through {@code ProcessHandle}, which reads {@code /proc/PID/stat}),
 * peak resident memory and threads ({@code /proc/PID/status}); from the JVM itself, through its
 * {@link ControlPort}, the heap its threads allocated, and the profiler.
 */
public final class BackendProcess implements AutoCloseable {

    // region flags
    /** The flags every back-end's JVM gets, whichever it is. */
    public static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC",
            "-Djdk.virtualThreadScheduler.parallelism=1", "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
    // endregion flags

    private static final Pattern CONTROL = Pattern.compile("control on [^:]+:(\\d+)");

    final Process process;
    /** The port it listens on. */
    public final int port;
    private final Socket control;
    private final BufferedReader answers;
    private final PrintWriter commands;

    private BackendProcess(Process process, int port, Socket control) throws IOException {
        this.process = process;
        this.port = port;
        this.control = control;
        this.answers = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII));
        this.commands = new PrintWriter(control.getOutputStream(), true, StandardCharsets.US_ASCII);
    }

    /** Starts {@code serve BACKEND --port 0} in a JVM with {@link #JVM_FLAGS}, on {@code cpus} (null: anywhere). */
    public static BackendProcess start(String backend, String cpus) throws Exception {
        return start(backend, cpus, List.of());
    }

    /** {@link #start(String, String)}, with {@code moreFlags} after {@link #JVM_FLAGS} (the profiler's). */
    static BackendProcess start(String backend, String cpus, List<String> moreFlags) throws Exception {
        return start(backend, cpus, moreFlags, List.of());
    }

    /** {@link #start(String, String, List)}, with {@code serveArguments} after serve's own (a TLS key's files). */
    static BackendProcess start(String backend, String cpus, List<String> moreFlags, List<String> serveArguments)
            throws Exception {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JVM_FLAGS);
        command.addAll(moreFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.rawloop.compare.CompareCommand",
                "serve", backend, "--port", "0", "--control"));
        command.addAll(serveArguments);
        ListeningProcess started = ListeningProcess.start(command, backend, Duration.ofSeconds(60));
        Matcher m = CONTROL.matcher(started.output());
        Socket control = null;
        try {
            if (!m.find()) {
                throw new IllegalStateException(backend + " listens but named no control port:\n" + started.output());
            }
            control = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
            control.setSoTimeout(120_000);   // writing a flame graph takes a few seconds at most
            return new BackendProcess(started.process(), started.port(), control);
        } catch (IOException | RuntimeException e) {
            IoErrors.closeQuietly(control);
            started.process().destroyForcibly();
            throw e;
        }
    }

    /** CPU time used so far. */
    public Duration cpu() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Heap bytes allocated since the JVM started: by all its threads, and by its loop thread alone (-1: it has none). */
    record Allocated(long all, long loop) {
    }

    /** What its threads allocated so far. */
    Allocated allocated() throws IOException {
        String[] figures = ask("allocated").split(" ");
        return new Allocated(Long.parseLong(figures[0]), Long.parseLong(figures[1]));
    }

    /** Starts the profiler (the JVM must have been started with its flags); says with which event. */
    String startProfiler() throws IOException {
        return ask("profile-start");
    }

    /** Stops the profiler and has it write its flame graph to {@code html}. */
    void stopProfiler(Path html) throws IOException {
        ask("profile-stop " + html.toAbsolutePath());
    }

    /** One command to its control port; the answer after {@code ok}. */
    private synchronized String ask(String command) throws IOException {
        commands.println(command);
        String answer = answers.readLine();
        if (answer == null) {
            throw new IOException("the back-end closed its control port at '" + command + "'");
        }
        if (!answer.startsWith("ok")) {
            throw new IOException("'" + command + "' failed: " + answer.replaceFirst("^error ", ""));
        }
        return answer.substring(2).strip();
    }

    /** A field of /proc/PID/status (VmHWM: peak RSS in kB; Threads), or -1 where there is no /proc. */
    public long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").strip());
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /** The process id. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        IoErrors.closeQuietly(control);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
