package io.rawloop.compare.load;

import io.rawloop.loop.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * The measured part of a run and what it counted, for {@link LoadGenerator} and
 * {@link WsLoadGenerator} alike: each answer's latency from its <em>intended</em> send time, into
 * an HdrHistogram in microseconds with 3 significant digits; the answers; and the errors by kind.
 * Only what was intended inside the window counts: the warm-up before it and the drain after it
 * are not measured. Loop thread.
 */
final class Window {

    private final Histogram histogram = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
    private final Map<String, Long> errors = new TreeMap<>();
    private final Duration duration;
    private long from = Long.MAX_VALUE;
    private long until = Long.MAX_VALUE;
    private long completed;
    private boolean draining;
    /** Set by {@link #drain}: whether every answer is in, and what ends the run. */
    private BooleanSupplier allAnswered;
    private Runnable finish;

    Window(Duration duration) {
        this.duration = duration;
    }

    /**
     * The clock starts at {@code startNanos}: {@code warmup} first, then the measured duration, on
     * the same connections. {@code measuring} runs on {@code loop} when the measured time begins
     * (so that whoever watches the server can take its figures there), {@code drain} when it ends.
     */
    void start(EventLoop loop, long startNanos, Duration warmup, Runnable measuring, Runnable drain) {
        from = startNanos + warmup.toNanos();
        until = from + duration.toNanos();
        loop.schedule(Duration.ofNanos(from - startNanos), measuring);
        loop.schedule(Duration.ofNanos(until - startNanos), drain);
    }

    /** When the measured time ends ({@link Long#MAX_VALUE} before {@link #start}). */
    long until() {
        return until;
    }

    // region record
    /** An answer to what was intended to leave at {@code intendedNanos}, arriving at {@code nowNanos}. */
    void record(long intendedNanos, long nowNanos) {
        if (intendedNanos >= from && intendedNanos < until) {
            histogram.recordValue(Math.max(0, (nowNanos - intendedNanos) / 1000));
            completed++;
        }
    }
    // endregion record

    /** An error of {@code kind}: counted once measuring has begun, or at any time if {@code always}. */
    void error(String kind, boolean always) {
        if (always || System.nanoTime() >= from) {
            errors.merge(kind, 1L, Long::sum);
        }
    }

    /** At the end: what was intended inside the window and never answered is an error. */
    void unanswered(long intendedNanos) {
        if (intendedNanos >= from && intendedNanos < until) {
            errors.merge("unanswered at the end", 1L, Long::sum);
        }
    }

    /**
     * The measured time is over: nothing more is sent, and what is in flight may still be
     * answered, so that an answer on its way at the end is not counted as lost. {@code finish}
     * runs once {@code allAnswered} says so ({@link #finishIfDrained}), or in 2 s at most.
     */
    void drain(EventLoop loop, BooleanSupplier allAnswered, Runnable finish) {
        draining = true;
        this.allAnswered = allAnswered;
        this.finish = finish;
        loop.schedule(Duration.ofSeconds(2), finish);
        finishIfDrained();
    }

    /** After an answer: while draining, finishes the run if nothing is in flight any more. */
    void finishIfDrained() {
        if (draining && allAnswered.getAsBoolean()) {
            finish.run();
        }
    }

    boolean draining() {
        return draining;
    }

    /** What the window counted, per second of its duration. */
    LoadGenerator.Result result() {
        return new LoadGenerator.Result(histogram, completed, duration.toNanos() / 1e9, errors);
    }
}
