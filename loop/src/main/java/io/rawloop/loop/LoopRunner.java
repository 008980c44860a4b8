package io.rawloop.loop;

import java.util.concurrent.CompletionException;

/**
 * Who runs an {@link EventLoop}, and the three ways to run it: until stopped, until idle, until
 * a promise completes. Also the check that every loop-confined method makes.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   FREE ──claim(runner)──▶ OWNED by runner ──leave──▶ FREE
 * </pre>
 * A loop is owned by at most one thread at a time: the one inside a run method, or the thread
 * {@link EventLoop#start()} made (claimed before it starts, so that the caller is refused at
 * once). While it is free, any single thread may set the loop up; that is why {@link #check}
 * lets every thread through then. On its way out the owner closes the loop if
 * {@link EventLoop#close()} asked it to ({@link LoopShutdown} says why it must be that thread).
 *
 * <p>The owner is a volatile field read with one reference comparison: the confinement check is
 * on every write, schedule and callSoon, so it must cost next to nothing.
 */
final class LoopRunner {

    /** {@link #runUntilIdle()} gives up after this many iterations: something re-queues forever. */
    private static final int IDLE_ITERATION_LIMIT = 1_000_000;
    /** The loop the current thread is running, if any: read only to word error messages. */
    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    private final EventLoop loop;
    /** The thread running the loop now, or null while it is free. */
    private volatile Thread owner;
    private volatile boolean stopRequested;

    LoopRunner(EventLoop loop) {
        this.loop = loop;
    }

    /** {@link EventLoop#run()}: iterations that may block, until {@link #stop()}. */
    void run() {
        enter();
        try {
            while (!stopRequested) {
                loop.runOnce(true);
            }
        } finally {
            leave();
        }
    }

    /** {@link EventLoop#start()}: {@link #run()} on a new platform thread named after the loop. */
    Thread start() {
        Thread t = Thread.ofPlatform().name(loop.name()).unstarted(this::run);
        // Claim the loop for the new thread before returning: from now on, loop-confined calls
        // from the caller are refused and close() waits for the thread, as for a running loop.
        claim(t);
        t.start();
        return t;
    }

    /** {@link EventLoop#runUntilIdle()}: iterations that never block, until nothing is left now. */
    void runUntilIdle() {
        enter();
        try {
            int turns = 0;
            do {
                if (++turns > IDLE_ITERATION_LIMIT) {
                    throw new IllegalStateException("event loop " + loop.name() + " still busy after "
                            + IDLE_ITERATION_LIMIT + " iterations: a callback re-queues itself forever?");
                }
                loop.runOnce(false);
            } while (loop.hasWorkNow());
        } finally {
            leave();
        }
    }

    /** {@link EventLoop#runUntilComplete}: iterations until {@code promise} is done. */
    <T> T runUntilComplete(Promise<T> promise) throws CompletionException {
        enter();
        try {
            while (!promise.isDone()) {
                if (stopRequested) {
                    throw new IllegalStateException("event loop " + loop.name()
                            + " was stopped before the promise completed");
                }
                loop.runOnce(true);
            }
        } finally {
            leave();
        }
        return promise.resultNow();
    }

    /** Asks the running thread to return after the current iteration. Any thread. */
    void stop() {
        stopRequested = true;
    }

    /** True between {@link #stop()} and the running thread's return: phase 1 then polls. */
    boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Makes {@code runner} the owner.
     *
     * @throws IllegalStateException if the loop is closed or another thread owns it
     */
    synchronized void claim(Thread runner) {
        if (loop.isClosed()) {
            throw new IllegalStateException("event loop " + loop.name() + " is closed");
        }
        if (owner != null) {
            throw new IllegalStateException("event loop " + loop.name() + " is already running on " + owner.getName());
        }
        owner = runner;
    }

    private void enter() {
        Thread self = Thread.currentThread();
        if (owner != self) {   // start() has already claimed the loop for its own thread
            claim(self);
        }
        CURRENT.set(loop);
        loop.figures.resumed(loop.nanoTime());
    }

    private void leave() {
        loop.figures.paused(loop.nanoTime());
        CURRENT.remove();
        stopRequested = false;
        try {
            loop.shutdown.onLeave();   // still the loop's thread (close() waits while it is)
        } finally {
            owner = null;
        }
    }

    /** The closing thread owns the loop while it runs the last callbacks, then frees it. */
    void takeOverForClose() {
        owner = Thread.currentThread();
    }

    void release() {
        owner = null;
    }

    /** The owner, or null while free. */
    Thread owner() {
        return owner;
    }

    /** True if the caller owns the loop. */
    boolean isCurrent() {
        return owner == Thread.currentThread();
    }

    /**
     * Throws unless the caller may touch loop-confined state: it owns the loop, or the loop is
     * free (being set up before {@code run()}).
     */
    void check(String what) {
        Thread running = owner;
        if (running != null && running != Thread.currentThread()) {
            IllegalStateException refused = new IllegalStateException(what + " must be called on the thread of event loop "
                    + loop.name() + " (" + running.getName() + "), not on " + Thread.currentThread().getName()
                    + "; from other threads use execute()");
            if (loop.debug != null) {
                loop.debug.wrongThread(refused);
            }
            throw refused;
        }
    }

    /** The loop the calling thread is running, or null. */
    static EventLoop current() {
        return CURRENT.get();
    }
}
