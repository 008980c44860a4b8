package io.rawloop.compare.experiment;

import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Create and finish N units of concurrency, and hold N of them suspended at once: coroutines on
 * one loop, virtual threads, and (a hundredth as many) platform threads. Time per unit, and
 * memory per suspended unit: heap after GC for the first two (their stacks live in the heap
 * while suspended), resident memory for platform threads (their stacks are native). For the
 * class-by-class heap of one suspended unit, see {@code rawloop-compare.jar memory --breakdown}.
 */
final class Spawn {

    private Spawn() {
    }

    static String run(int count) throws Exception {
        Table t = null;
        for (int round = 0; round < 2; round++) {   // the first round warms up the JIT; the second is reported
            t = new Table("unit", "count", "spawn + finish, per unit", "heap per suspended unit", "RSS per suspended unit");
            t.row(coroutines(count));
            t.row(virtualThreads(count));
            t.row(platformThreads(Math.max(1, count / 100)));
        }
        return "Spawn: units created and finished, and held suspended all at once\n\n" + t;
    }

    private static Object[] coroutines(int count) throws Exception {
        try (EventLoop loop = EventLoop.create()) {
            loop.start();
            long start = System.nanoTime();
            loop.submit(() -> {
                List<Promise<Object>> all = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    all.add(loop.spawn(() -> {
                        Coroutine.yieldNow();   // suspend once, resume, finish
                        return null;
                    }));
                }
                return Promise.all(loop, all).toCompletableFuture();
            }).get().get();
            double nanos = (System.nanoTime() - start) / (double) count;
            Memory before = Memory.afterGc();
            List<Promise<Object>> waiting = new ArrayList<>(count);
            Promise<Object> gate = loop.submit(() -> {
                Promise<Object> g = loop.newPromise();
                for (int i = 0; i < count; i++) {
                    waiting.add(loop.spawn(() -> Coroutine.await(g)));
                }
                return g;
            }).get();
            loop.submit(() -> null).get();   // every coroutine has run to its await
            Memory held = Memory.afterGc();
            loop.submit(() -> {   // release them, and let every one finish before the loop closes
                gate.complete(null);
                return Promise.all(loop, waiting).toCompletableFuture();
            }).get().get();
            return row("coroutine", count, nanos, before, held, false);
        }
    }

    private static Object[] virtualThreads(int count) throws Exception {
        long start = System.nanoTime();
        List<Thread> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(Thread.startVirtualThread(Thread::yield));
        }
        for (Thread th : all) {
            th.join();
        }
        double nanos = (System.nanoTime() - start) / (double) count;
        all.clear();
        return suspended("virtual thread", count, nanos, Thread.ofVirtual(), false);
    }

    private static Object[] platformThreads(int count) throws Exception {
        long start = System.nanoTime();
        List<Thread> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(Thread.ofPlatform().start(Thread::yield));
        }
        for (Thread th : all) {
            th.join();
        }
        double nanos = (System.nanoTime() - start) / (double) count;
        return suspended("platform thread", count, nanos, Thread.ofPlatform(), true);
    }

    /** Starts {@code count} threads that block on a latch, measures, releases them. */
    private static Object[] suspended(String name, int count, double nanos, Thread.Builder builder, boolean nativeStacks)
            throws Exception {
        Memory before = nativeStacks ? Memory.raw() : Memory.afterGc();
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch waiting = new CountDownLatch(count);
        List<Thread> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            all.add(builder.start(() -> {
                waiting.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        waiting.await();
        for (Thread th : all) {   // counted down just before awaiting: wait until each is really blocked
            while (th.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        Memory held = nativeStacks ? Memory.raw() : Memory.afterGc();
        gate.countDown();
        for (Thread th : all) {
            th.join();
        }
        return row(name, count, nanos, before, held, nativeStacks);
    }

    /** Heap per unit for units that live in the heap, resident memory per unit for native stacks. */
    private static Object[] row(String name, int count, double nanos, Memory before, Memory held, boolean nativeStacks) {
        return new Object[] {name, String.format(Locale.ROOT, "%,d", count), String.format(Locale.ROOT, "%.0f ns", nanos),
            nativeStacks ? "–" : String.format(Locale.ROOT, "%,d B", (held.heap - before.heap) / count),
            nativeStacks ? String.format(Locale.ROOT, "%,d B", (held.rss - before.rss) / count) : "–"};
    }

    /** Heap in use and the process's resident set. */
    private record Memory(long heap, long rss) {
        /** After a full GC: what suspended coroutines and virtual threads hold is heap. */
        static Memory afterGc() {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            return raw();
        }

        /** Without a GC: a platform thread's stack is native memory, which a GC's heap shrinking would hide. */
        static Memory raw() {
            return new Memory(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), residentBytes());
        }

        private static long residentBytes() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                    }
                }
            } catch (java.io.IOException | NumberFormatException e) {
                return 0;
            }
            return 0;
        }
    }
}
