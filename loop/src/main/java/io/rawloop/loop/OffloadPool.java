package io.rawloop.loop;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where {@link EventLoop#offload} sends blocking work: a bounded pool of daemon threads, created
 * on first use, whose results come back to the loop through {@link EventLoop#execute}.
 *
 * <p>Bounded twice (threads and queue) so that a flood of slow work makes offload fail fast with
 * a clear error instead of growing a queue until the heap runs out.
 */
final class OffloadPool {

    private final String loopName;
    private final int threads;
    private final int queueCapacity;
    private final Executor shared;
    private ThreadPoolExecutor own;

    OffloadPool(String loopName, int threads, int queueCapacity, Executor shared) {
        this.loopName = loopName;
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.shared = shared;
    }

    // region submit
    /** Runs {@code work} on a worker; completes {@code promise} on its loop. Loop thread. */
    <T> void submit(Callable<T> work, Promise<T> promise) {
        EventLoop loop = promise.loop();
        Runnable job = () -> {
            T value;
            try {
                value = work.call();
            } catch (Throwable failure) {
                deliver(loop, () -> promise.fail(failure));
                return;
            }
            deliver(loop, () -> promise.complete(value));
        };
        try {
            executor().execute(job);
        } catch (RejectedExecutionException e) {
            promise.fail(new RejectedExecutionException("offload pool of event loop " + loopName + " is full ("
                    + threads + " threads busy, " + queueCapacity + " tasks queued)", e));
        }
    }
    // endregion submit

    private static void deliver(EventLoop loop, Runnable completion) {
        try {
            loop.execute(completion);
        } catch (RejectedExecutionException closed) {
            // The loop closed while the work ran: nobody is left to hear the result.
        }
    }

    private Executor executor() {
        if (shared != null) {
            return shared;
        }
        if (own == null) {
            AtomicInteger count = new AtomicInteger();
            own = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(queueCapacity),
                    job -> Thread.ofPlatform().daemon().name(loopName + "-offload-" + count.incrementAndGet()).unstarted(job));
            own.allowCoreThreadTimeOut(true);
        }
        return own;
    }

    void shutdown() {
        if (own != null) {
            own.shutdown();
        }
    }
}
