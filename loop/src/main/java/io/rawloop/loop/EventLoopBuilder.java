package io.rawloop.loop;

import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/** Settings for a new {@link EventLoop}: its name, clock and offload pool. {@code EventLoop.builder()...build()}. */
public final class EventLoopBuilder {

    private static final AtomicLong COUNTER = new AtomicLong();

    String name = "rawloop-" + COUNTER.incrementAndGet();
    Clock clock = Clock.system();
    int offloadThreads = Runtime.getRuntime().availableProcessors();
    int offloadQueue = 10_000;
    Executor offloadExecutor;

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

    /** The loop, ready to {@link EventLoop#run()}. */
    public EventLoop build() {
        return new EventLoop(this);
    }
}
