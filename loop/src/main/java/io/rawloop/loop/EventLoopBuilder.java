package io.rawloop.loop;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Settings for a new {@link EventLoop}: its name, clock, offload pool and debug mode.
 * {@code EventLoop.builder()...build()}. Debug mode's defaults come from the system properties
 * {@code rawloop.debug} ({@code true} to turn it on) and {@code rawloop.slowCallbackMs}.
 */
public final class EventLoopBuilder {

    private static final AtomicLong COUNTER = new AtomicLong();

    String name = "rawloop-" + COUNTER.incrementAndGet();
    Clock clock = Clock.system();
    int offloadThreads = Runtime.getRuntime().availableProcessors();
    int offloadQueue = 10_000;
    Executor offloadExecutor;
    boolean debug = Boolean.getBoolean("rawloop.debug");
    Duration slowCallback = Duration.ofMillis(Long.getLong("rawloop.slowCallbackMs", 100));

    EventLoopBuilder() {
    }

    /** The loop's name, used for its thread and in every error message. */
    public EventLoopBuilder name(String name) {
        this.name = Objects.requireNonNull(name, "name");
        return this;
    }

    /** The clock timers run on; a {@link ManualClock} for tests. */
    public EventLoopBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Threads of the loop's own offload pool (default: available processors). */
    public EventLoopBuilder offloadThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("offload threads must be at least 1, not " + threads);
        }
        this.offloadThreads = threads;
        return this;
    }

    /** Tasks the offload pool queues before it refuses more (default 10,000). */
    public EventLoopBuilder offloadQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("offload queue must hold at least 1 task, not " + capacity);
        }
        this.offloadQueue = capacity;
        return this;
    }

    /** Offloads to {@code executor} (shared, not shut down by the loop) instead of an own pool. */
    public EventLoopBuilder offloadExecutor(Executor executor) {
        this.offloadExecutor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * asyncio's debug mode (default: {@code -Drawloop.debug}): slow callbacks, calls from the
     * wrong thread and failed promises nobody heard of are logged. Off, it costs nothing
     * measurable; on, a little per callback. See {@link EventLoop#isDebug()}.
     */
    public EventLoopBuilder debug(boolean on) {
        this.debug = on;
        return this;
    }

    /** In debug mode, a callback running longer than this is logged (default 100 ms, or {@code -Drawloop.slowCallbackMs}). */
    public EventLoopBuilder slowCallback(Duration threshold) {
        if (threshold.isNegative()) {
            throw new IllegalArgumentException("the slow-callback threshold cannot be negative: " + threshold);
        }
        this.slowCallback = threshold;
        return this;
    }

    /** The loop, ready to {@link EventLoop#run()}. */
    public EventLoop build() {
        return new EventLoop(this);
    }
}
