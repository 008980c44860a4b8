package io.rawloop.compare.experiment;

import io.rawloop.compare.backend.Work;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The CPU-bound work of {@code experiment cpu}, split over N child JVMs instead of N threads:
 * Python's answer to the GIL ({@code multiprocessing}), in Java. Each child is the running
 * {@code java} with the same class path, computes its share and prints its result on standard
 * output; the parent reads it back. The rows show what that costs beside threads: starting a JVM
 * per worker, and passing the result through a pipe ("overhead": the wall time beyond the slowest
 * child's own computing). In Java, threads already run on every core, so processes buy isolation,
 * not speed.
 */
final class Processes {

    private Processes() {
    }

    static String run(long work) throws Exception {
        Table t = new Table("workers", "how", "time", "speed-up", "overhead");
        double base = 0;
        for (int n : new int[] {1, 2, 4}) {
            long start = System.nanoTime();
            List<Thread> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                all.add(Thread.ofPlatform().start(() -> Work.cpu(work / n)));
            }
            for (Thread th : all) {
                th.join();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            base = n == 1 ? seconds : base;
            t.row(n, "threads", time(seconds), speedUp(base, seconds), "–");
        }
        for (int n : new int[] {1, 2, 4}) {
            long[] slowestChild = new long[1];
            double seconds = children(n, work / n, slowestChild);
            t.row(n, "processes", time(seconds), speedUp(base, seconds),
                    String.format(Locale.ROOT, "%.0f ms", (seconds - slowestChild[0] / 1e9) * 1000));
        }
        long[] none = new long[1];
        double empty = children(4, 0, none);
        t.row(4, "processes, no work", time(empty), "–", String.format(Locale.ROOT, "%.0f ms", empty * 1000));
        return "CPU-bound: " + String.format(Locale.ROOT, "%,d", work) + " rounds of a 64-bit mixing function, split over"
                + " threads and over child JVMs; this machine has " + Runtime.getRuntime().availableProcessors()
                + " cores\n\n" + t;
    }

    // region children
    /** Starts {@code n} child JVMs computing {@code rounds} each, waits for their results; wall seconds. */
    private static double children(int n, long rounds, long[] slowestChild) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long start = System.nanoTime();
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    CpuChild.class.getName(), Long.toString(rounds))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        for (Process child : children) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line = out.readLine();
                if (child.waitFor() != 0 || line == null || !line.startsWith("result ")) {
                    throw new IllegalStateException("a child JVM failed (exit " + child.exitValue() + "): " + line);
                }
                slowestChild[0] = Math.max(slowestChild[0], Long.parseLong(line.split(" ")[2]));
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
    // endregion children

    private static String time(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static String speedUp(double base, double seconds) {
        return String.format(Locale.ROOT, "%.2f×", base / seconds);
    }
}
