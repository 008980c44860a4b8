package io.rawloop.loop;

/**
 * Where an {@link EventLoop} reads the time: a monotonic count of nanoseconds.
 *
 * <p>The loop never calls {@link System#nanoTime()} directly, so that tests can hand it a
 * {@link ManualClock} and move time forward by hand: a timer test then runs in microseconds
 * and cannot be flaky, because nothing in it depends on how fast the machine is.
 */
@FunctionalInterface
public interface Clock {

    /** The current time in nanoseconds; only differences between two readings mean anything. */
    long nanoTime();

    /** The real monotonic clock, {@link System#nanoTime()}. */
    static Clock system() {
        return System::nanoTime;
    }
}
