package io.rawloop.loop;

import java.time.Duration;

/**
 * A {@link Clock} that moves only when told to: virtual time for tests.
 *
 * <p>Advance it, then let the loop run ({@link EventLoop#runUntilIdle()}): every timer whose
 * deadline is now in the past fires, in deadline order, and no test ever sleeps.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * EventLoop loop = EventLoop.builder().clock(clock).build();
 * loop.schedule(Duration.ofSeconds(30), () -> System.out.println("30 virtual seconds later"));
 * clock.advance(Duration.ofSeconds(30));
 * loop.runUntilIdle();
 * }</pre>
 *
 * <p>Thread-safe, so that a test thread may advance it while reading the loop's figures; but a
 * loop blocked in {@code select} is not woken by {@link #advance}: advance, then run the loop.
 */
public final class ManualClock implements Clock {

    private volatile long now;

    /** A clock that starts at an arbitrary non-zero time, as a real monotonic clock would. */
    public ManualClock() {
        this(1_000_000_000L);
    }

    /** A clock that starts at {@code startNanos}. */
    public ManualClock(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Moves time forward by {@code amount}; time never goes backwards. */
    public synchronized void advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go backwards: " + amount);
        }
        now += amount.toNanos();
    }
}
