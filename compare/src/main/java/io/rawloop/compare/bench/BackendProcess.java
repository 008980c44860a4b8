package io.rawloop.compare.bench;

import io.rawloop.server.demo.ListeningProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A back-end in a JVM of its own ({@code serve BACKEND --port 0}), with the same flags for every
 * back-end, pinned to its cores when {@code taskset} exists; and what the kernel says of it: CPU
 * time, peak resident memory, threads.
 */
public final class BackendProcess implements AutoCloseable {

    // region flags
    /** The flags every back-end's JVM gets, whichever it is. */
    public static final List<String> JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+UseParallelGC",
            "-Djdk.virtualThreadScheduler.parallelism=1", "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED");
    // endregion flags

    final Process process;
    /** The port it listens on. */
    public final int port;

    private BackendProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts {@code serve BACKEND --port 0} in a JVM with {@link #JVM_FLAGS}, on {@code cpus} (null: anywhere). */
    public static BackendProcess start(String backend, String cpus) throws Exception {
        List<String> command = new ArrayList<>();
        if (cpus != null) {
            command.addAll(List.of("taskset", "-c", cpus));
        }
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(JVM_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.rawloop.compare.CompareCommand",
                "serve", backend, "--port", "0"));
        ListeningProcess started = ListeningProcess.start(command, backend, Duration.ofSeconds(60));
        return new BackendProcess(started.process(), started.port());
    }

    /** CPU time used so far. */
    public Duration cpu() {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
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
