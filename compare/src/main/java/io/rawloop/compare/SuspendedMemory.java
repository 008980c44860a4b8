package io.rawloop.compare;

import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import io.rawloop.loop.Promise;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import javax.management.ObjectName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Heap held by a suspended coroutine and by a parked virtual thread, at a few stack depths: the
 * memory side of "a coroutine costs less than a thread". Both suspend at the bottom of the same
 * recursion, so their frames hold the same locals; the difference is the machinery around them.
 *
 * <p>How: suspend N units, take the JVM's class histogram of live objects (a full GC, through the
 * DiagnosticCommand MBean, as {@code jcmd GC.class_histogram} does) before and after, and count
 * every class that gained about N instances: those are the per-unit objects. This is exact where
 * a used-heap delta is not (the heap's own bookkeeping moves by kilobytes between readings).
 * Frames frozen while still interpreted are several times larger than compiled ones, so both
 * paths are warmed up first.
 */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = "Heap held per suspended coroutine vs parked virtual thread, by stack depth.")
final class SuspendedMemory implements Callable<Integer> {

    @Option(names = "--count", description = "Units suspended at once per measurement (default ${DEFAULT-VALUE}).")
    int count = 20_000;

    @Option(names = "--depths", split = ",", description = "Stack depths to suspend at (default ${DEFAULT-VALUE}).")
    List<Integer> depths = List.of(1, 10, 50);

    @Option(names = "--breakdown", description = "Also list the per-unit objects, class by class.")
    boolean breakdown;

    @Option(names = "--rounds", description = "Measurements per cell; the median is shown (default ${DEFAULT-VALUE}).")
    int rounds = 5;

    /** The per-unit objects one measurement found: class name to bytes per unit. */
    private record PerUnit(Map<String, Double> bytesByClass) {
        long total() {
            return Math.round(bytesByClass.values().stream().mapToDouble(Double::doubleValue).sum());
        }
    }

    @Override
    public Integer call() throws Exception {
        for (int i = 0; i < 5; i++) {       // warm-up: JIT-compile both paths
            for (int depth : depths) {
                coroutines(depth, false);
                virtualThreads(depth, false);
            }
        }
        System.out.printf("%-6s %20s %24s %8s%n", "depth", "coroutine (B each)", "virtual thread (B each)", "ratio");
        StringBuilder details = new StringBuilder();
        for (int depth : depths) {
            PerUnit[] coroutine = new PerUnit[rounds];
            PerUnit[] virtual = new PerUnit[rounds];
            for (int r = 0; r < rounds; r++) {
                coroutine[r] = coroutines(depth, true);
                virtual[r] = virtualThreads(depth, true);
            }
            PerUnit c = median(coroutine);
            PerUnit v = median(virtual);
            System.out.printf("%-6d %20s %24s %8.2f%n", depth, c.total() + " " + range(coroutine),
                    v.total() + " " + range(virtual), (double) c.total() / v.total());
            details.append(describe("coroutine, depth " + depth, c)).append(describe("virtual thread, depth " + depth, v));
        }
        System.out.printf("(%d units suspended at once; live objects from the class histogram; median of %d, [min-max])%n",
                count, rounds);
        if (breakdown) {
            System.out.print(details);
        }
        return 0;
    }

    private static PerUnit median(PerUnit[] runs) {
        PerUnit[] sorted = runs.clone();
        Arrays.sort(sorted, (a, b) -> Long.compare(a.total(), b.total()));
        return sorted[sorted.length / 2];
    }

    private static String range(PerUnit[] runs) {
        long min = Arrays.stream(runs).mapToLong(PerUnit::total).min().orElse(0);
        long max = Arrays.stream(runs).mapToLong(PerUnit::total).max().orElse(0);
        return "[" + min + "-" + max + "]";
    }

    private static String describe(String title, PerUnit unit) {
        StringBuilder out = new StringBuilder("\n" + title + ":\n");
        unit.bytesByClass().entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> out.append(String.format("  %8.1f B  %s%n", e.getValue(), e.getKey())));
        return out.toString();
    }

    private PerUnit coroutines(int depth, boolean measure) throws Exception {
        EventLoop loop = EventLoop.builder().name("memory").clock(new ManualClock()).build();
        Promise<Object> gate = loop.newPromise();
        Map<String, long[]> before = measure ? histogram() : Map.of();
        for (int i = 0; i < count; i++) {
            loop.spawn(() -> descendThenAwait(depth, gate));
        }
        loop.runUntilIdle();
        PerUnit result = measure ? perUnit(before, histogram()) : null;
        gate.complete("go");
        loop.runUntilIdle();
        loop.close();
        return result;
    }

    private PerUnit virtualThreads(int depth, boolean measure) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch parked = new CountDownLatch(count);
        Thread[] threads = new Thread[count];
        Map<String, long[]> before = measure ? histogram() : Map.of();
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofVirtual().start(() -> descendThenPark(depth, gate, parked));
        }
        parked.await();
        // Each counted down just before parking: wait until every one is really parked.
        for (Thread t : threads) {
            while (t.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        PerUnit result = measure ? perUnit(before, histogram()) : null;
        gate.countDown();
        for (Thread t : threads) {
            t.join();
        }
        return result;
    }

    /** Classes that gained at least 95% of {@code count} instances, in bytes per unit. */
    private PerUnit perUnit(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, Double> perUnit = new TreeMap<>();
        after.forEach((name, now) -> {
            long[] then = before.getOrDefault(name, new long[2]);
            long instances = now[0] - then[0];
            if (instances >= count * 95L / 100) {
                perUnit.put(name, (double) (now[1] - then[1]) / count);
            }
        });
        return new PerUnit(perUnit);
    }

    /** Live objects by class (after a full GC): name to {instances, bytes}. */
    private static Map<String, long[]> histogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> classes = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length >= 4 && parts[0].endsWith(":")) {
                // Lambda classes carry an address that differs between runs: name them by their host.
                String name = parts[3].replaceAll("/0x[0-9a-f]+", "");
                long[] entry = classes.computeIfAbsent(name, k -> new long[2]);
                entry[0] += Long.parseLong(parts[1]);
                entry[1] += Long.parseLong(parts[2]);
            }
        }
        return classes;
    }

    private static long descendThenAwait(int depth, Promise<Object> gate) throws Exception {
        if (depth <= 1) {
            Coroutine.await(gate);
            return 1;
        }
        long local = depth * 31L;
        return descendThenAwait(depth - 1, gate) + local;
    }

    private static long descendThenPark(int depth, CountDownLatch gate, CountDownLatch parked) {
        if (depth <= 1) {
            parked.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 1;
        }
        long local = depth * 31L;
        return descendThenPark(depth - 1, gate, parked) + local;
    }
}
