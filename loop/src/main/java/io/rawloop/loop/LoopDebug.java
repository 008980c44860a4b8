package io.rawloop.loop;

import java.lang.ref.Cleaner;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * asyncio's debug mode, for one loop: {@code EventLoop.builder().debug(true)}, or
 * {@code -Drawloop.debug=true} for every loop the process builds (asyncio's
 * {@code PYTHONASYNCIODEBUG=1}). Three mistakes that are silent otherwise are logged:
 * <ul>
 *   <li>a callback, or a coroutine's step, that runs longer than the threshold
 *       ({@link EventLoopBuilder#slowCallback}): once, with what it was and how long it took.
 *       "What" is what the code said with {@link EventLoop#describeCallback} (the server says the
 *       request), a coroutine's is inherited from the callback that spawned it, and anything
 *       else is named by its class, or the class a lambda was written in;</li>
 *   <li>a loop-confined method called from another thread: refused in any mode, and in debug
 *       mode also logged, with the thread and the method;</li>
 *   <li>a promise that failed while nobody listened, and that the garbage collector then dropped
 *       without anyone having looked (asyncio's "exception was never retrieved").</li>
 * </ul>
 * Off, the loop has no LoopDebug at all and each of those places costs one null check.
 * Loop-confined, but for the log of dropped promises, which a {@link Cleaner} thread writes.
 */
final class LoopDebug {

    /** Made on first use: a process without debug mode starts no cleaner thread. */
    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create();
    }

    private final EventLoop loop;
    private final long slowNanos;
    /** What the running callback said it does, or null. */
    private String label;
    /** The labels of coroutines, by fiber: kept here so that a Fiber has no field for it when debug is off. */
    private final Map<Fiber<?>, String> coroutines = new WeakHashMap<>();
    /** Failed promises nobody has listened to yet; a Cleaner logs those that are dropped so. */
    private final Map<Promise<?>, Unheard> unheard = Collections.synchronizedMap(new WeakHashMap<>());

    LoopDebug(EventLoop loop, long slowNanos) {
        this.loop = loop;
        this.slowNanos = slowNanos;
    }

    /** {@code callback}, timed on the loop's clock: logged if slower than the threshold. */
    Runnable watching(Runnable callback) {
        return () -> {
            label = null;
            long start = loop.nanoTime();
            try {
                callback.run();
            } finally {
                long took = loop.nanoTime() - start;
                if (took >= slowNanos) {
                    Log.warning("slow callback: " + took / 1_000_000 + " ms in "
                            + (label != null ? label : describe(callback)) + " on " + loop.name());
                }
                label = null;
            }
        };
    }

    /** The running callback says what it does. */
    void describe(String what) {
        label = what;
    }

    /** A callback or body by its class: "a lambda in io.x.Foo", or the class and its method. */
    static String describe(Object code) {
        String name = code.getClass().getName();
        int lambda = name.indexOf("$$Lambda");
        return lambda >= 0 ? "a lambda in " + name.substring(0, lambda) : name + ".run";
    }

    /** A coroutine starts: it is what spawned it, or its body. */
    void spawned(Fiber<?> fiber, Object body) {
        coroutines.put(fiber, label != null ? label : "coroutine " + describe(body));
    }

    /** A coroutine's step begins: the running callback is that coroutine. */
    void stepping(Fiber<?> fiber) {
        String what = coroutines.get(fiber);
        if (what != null) {
            label = what;
        }
    }

    /** A loop-confined method was called from the wrong thread: {@code refusal} says which, and is thrown next. */
    void wrongThread(IllegalStateException refusal) {
        Log.log(System.Logger.Level.WARNING, "wrong thread: " + refusal.getMessage(), refusal);
    }

    /** {@code promise} failed with nobody listening: if it is dropped so, say it. */
    void failedUnheard(Promise<?> promise, Throwable failure) {
        Unheard watch = new Unheard(loop.name(), failure);
        unheard.put(promise, watch);
        Holder.CLEANER.register(promise, watch);
    }

    /** Somebody listened to, or looked at, a failed promise. */
    void heard(Promise<?> promise) {
        Unheard watch = unheard.remove(promise);
        if (watch != null) {
            watch.heard = true;
        }
    }

    /** The cleaning action: holds the failure, never the promise (or it would never be dropped). */
    private static final class Unheard implements Runnable {
        private final String loopName;
        private final Throwable failure;
        volatile boolean heard;

        Unheard(String loopName, Throwable failure) {
            this.loopName = loopName;
            this.failure = failure;
        }

        @Override
        public void run() {
            if (!heard) {
                Log.error("a promise of event loop " + loopName + " failed with nobody listening, and was dropped: "
                        + failure, failure);
            }
        }
    }
}
