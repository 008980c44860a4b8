package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.demo.ListeningProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo server in a process of its own, started the way a user starts it (its main class,
 * the same JDK, the export flag), optionally under a command prefix such as {@code prlimit}: for
 * what only a real process has (a descriptor limit, a signal, an exit status).
 */
final class ChildServer implements AutoCloseable {

    final Process process;
    final int port;
    private final ListeningProcess started;

    private ChildServer(ListeningProcess started) {
        this.started = started;
        this.process = started.process();
        this.port = started.port();
    }

    /** What the process printed so far (stdout and stderr). */
    String output() {
        return started.output();
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
        ListeningProcess started = ListeningProcess.start(command, "the server", Duration.ofSeconds(60));
        return new ChildServer(started);
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
