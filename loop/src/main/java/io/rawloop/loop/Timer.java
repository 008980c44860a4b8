package io.rawloop.loop;

import java.time.Duration;

/**
 * A callback scheduled to run on the loop at a deadline; the handle that
 * {@link EventLoop#schedule} returns, mostly so that it can be {@linkplain #cancel() cancelled}.
 *
 * <p>Lifecycle, all on the loop thread:
 * <pre>
 *   SCHEDULED ──deadline passes──▶ DUE ──ready queue runs it──▶ FIRED
 *       │                           │
 *       └──────── cancel() ─────────┴──▶ CANCELLED
 * </pre>
 * A timer is DUE between the moment the loop moves it from the timer heap to the ready queue and
 * the moment its callback runs. Cancelling it then still stops the callback, which is what a
 * callback that cancels a sibling timer due in the same iteration expects.
 */
public final class Timer {

    /** Where a timer is in its life; see the class comment. */
    enum State { SCHEDULED, DUE, FIRED, CANCELLED }

    final long deadline;
    /** Scheduling order: breaks ties between equal deadlines, so they fire first-in, first-out. */
    final long sequence;
    private final Runnable callback;
    private final EventLoop loop;
    State state = State.SCHEDULED;
    /** Position in the {@link TimerQueue}'s array while SCHEDULED, else -1: makes cancel O(log n). */
    int heapIndex = -1;

    /** {@code delay} in nanoseconds: at least 0, and "never" for a delay too long to add to a deadline. */
    static long nanosOf(Duration delay) {
        try {
            return Math.max(0, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;   // ~73 years: "never", without overflowing deadline maths
        }
    }

    Timer(EventLoop loop, long deadline, long sequence, Runnable callback) {
        this.loop = loop;
        this.deadline = deadline;
        this.sequence = sequence;
        this.callback = callback;
    }

    /**
     * Stops the callback from running, if it has not run yet. Loop thread only.
     *
     * @return true if this call stopped it; false if it had already fired or been cancelled
     */
    public boolean cancel() {
        loop.checkInLoop("Timer.cancel");
        return switch (state) {
            case SCHEDULED -> {
                loop.timers().remove(this);
                state = State.CANCELLED;
                yield true;
            }
            case DUE -> {
                state = State.CANCELLED;
                yield true;
            }
            case FIRED, CANCELLED -> false;
        };
    }

    /** True once {@link #cancel()} has stopped this timer. */
    public boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /** True once the callback has been run (or has thrown). */
    public boolean hasFired() {
        return state == State.FIRED;
    }

    /** The deadline, on the loop's {@link Clock}, in nanoseconds. */
    public long deadlineNanos() {
        return deadline;
    }

    /** Runs the callback unless cancelled while DUE; called from the ready queue only. */
    void fire() {
        if (state != State.DUE) {
            return;
        }
        state = State.FIRED;
        loop.figures.timerFired(deadline, loop.nanoTime());
        if (loop.debug != null) {
            loop.debug.describe("timer: " + LoopDebug.describe(callback));
        }
        callback.run();
    }

    boolean firesBefore(Timer other) {
        return deadline != other.deadline ? deadline - other.deadline < 0 : sequence < other.sequence;
    }

    @Override
    public String toString() {
        return "Timer[" + state + ", deadline=" + deadline + "ns]";
    }
}
