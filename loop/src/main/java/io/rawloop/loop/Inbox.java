package io.rawloop.loop;

import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The loop's one thread-safe door ({@link EventLoop#execute}, asyncio's
 * {@code call_soon_threadsafe}): tasks that other threads hand in, and the wake-up of a loop
 * blocked in select. Everything else about the loop is confined to its thread.
 *
 * <h2>Waking the loop</h2>
 * {@code Selector.wakeup()} is a system call, so a producer makes it only while the loop may be
 * blocked: the loop says {@link #selecting()} before it blocks and {@link #awake()} after, and a
 * producer that sees SELECTING swaps it to AWAKE first, so a burst of tasks wakes the loop once.
 * The loop looks at the queue once more after saying SELECTING: a task that came before the
 * producer could see it would otherwise wait for the next wake-up.
 *
 * <h2>Closing</h2>
 * A task is run or refused, never dropped: see {@link #add}.
 */
final class Inbox {

    // Values of wakeState. A producer must call selector.wakeup() only when it sees SELECTING.
    private static final int AWAKE = 0;
    private static final int SELECTING = 1;

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger wakeState = new AtomicInteger(AWAKE);
    private final AtomicLong wakeups = new AtomicLong();
    private final AtomicBoolean shut = new AtomicBoolean();
    private final Selector selector;
    private final String loopName;

    Inbox(Selector selector, String loopName) {
        this.selector = selector;
        this.loopName = loopName;
    }

    // region add
    /**
     * Queues {@code task}, waking the loop if {@code wake} and it may be blocked.
     *
     * @throws RejectedExecutionException once the door is {@link #shut()}
     */
    void add(Runnable task, boolean wake) {
        if (shut.get()) {
            throw new RejectedExecutionException("event loop " + loopName + " is closed");
        }
        tasks.add(task);
        if (shut.get() && tasks.remove(task)) {
            // close() raced us: it shut the door after our first look and may have drained the
            // queue for the last time before our task got in. Whoever takes the task out decides:
            // the closing thread runs every task it drains after shutting, and one that we take
            // back is refused. So each task is run or refused, never dropped.
            throw new RejectedExecutionException("event loop " + loopName + " is closed");
        }
        if (wake) {
            wakeUpIfSelecting();
        }
    }
    // endregion add

    /** Moves every task handed in so far to the ready queue. Loop thread. */
    void drainTo(ArrayDeque<Runnable> ready) {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            ready.add(task);
        }
    }

    boolean isEmpty() {
        return tasks.isEmpty();
    }

    /** The loop is about to block in select: producers must wake it from now on. */
    void selecting() {
        wakeState.set(SELECTING);
    }

    /** The loop is back from select. */
    void awake() {
        wakeState.lazySet(AWAKE);
    }

    // region wakeUpIfSelecting
    /** Wakes the selector if the loop may be blocked in it. Any thread. */
    void wakeUpIfSelecting() {
        // Read before the CAS: a busy loop is AWAKE, and then the producer writes nothing shared.
        if (wakeState.get() == SELECTING && wakeState.compareAndSet(SELECTING, AWAKE)) {
            wakeups.incrementAndGet();
            selector.wakeup();
        }
    }
    // endregion wakeUpIfSelecting

    /** Refuses every task from now on; the loop then drains what got in before. */
    void shut() {
        shut.set(true);
    }

    boolean isShut() {
        return shut.get();
    }

    /** Wake-ups made so far. Any thread. */
    long wakeups() {
        return wakeups.get();
    }
}
