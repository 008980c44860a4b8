package io.rawloop.compare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Where the back-end and the load generator run: the back-end on CPU 0, the load on the rest,
 * so that neither steals the other's core and the back-end's CPU time is its own. Only where
 * {@code taskset} exists and there are at least two CPUs.
 */
final class Pinning {

    private Pinning() {
    }

    /** {server CPUs, load CPUs}, or null when pinning is off or impossible. */
    static String[] plan(boolean off) {
        int cpus = Runtime.getRuntime().availableProcessors();
        if (off || cpus < 2 || !hasTaskset()) {
            return null;
        }
        return new String[] {"0", cpus == 2 ? "1" : "1-" + (cpus - 1)};
    }

    /** Moves every thread of this JVM to {@code cpus}. */
    static void pinSelf(String cpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-cp", cpus, Long.toString(ProcessHandle.current().pid()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static boolean hasTaskset() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "taskset"))) {
                return true;
            }
        }
        return false;
    }
}
