package io.rawloop.loop;

/**
 * A snapshot of an {@link EventLoop}'s figures, for {@code /stats}, {@code /metrics} and live
 * pages, and tests. Every figure is always kept: each costs the loop a field increment or, for
 * the time figures, two clock readings per iteration.
 *
 * <h2>Utilization and delay</h2>
 * The loop is <em>busy</em> from a return of select to its next call (running callbacks, mostly)
 * and <em>idle</em> inside select. {@link #utilization()} is the busy share of the last second, as
 * Node's {@code performance.eventLoopUtilization()}: near 0 for a loop that waits, 1 for one that
 * never gets back to its sockets. {@link #delay()} is how long a callback that became ready at a
 * random moment waited before it ran (a timer due then, a request arriving then), sampled every
 * 10 ms of the loop's clock as Node's {@code monitorEventLoopDelay} does: a loop blocked for
 * 200 ms shows a p99 near 200 ms for the following second, however many quick callbacks it ran.
 *
 * @param iterations       turns of {@code runOnce} so far (each one return from select)
 * @param callbacksRun     callbacks run in phase 5 (I/O readiness, tasks, timers, listeners)
 * @param callbackErrors   callbacks that threw (each was logged; the loop went on)
 * @param wakeups          times another thread had to wake the selector for {@code execute}
 * @param pendingTimers    timers scheduled and not yet due or cancelled
 * @param timersFired      timers whose callback ran
 * @param timerLagMeanNanos how late, on average, a timer's callback ran after its deadline
 * @param timerLagMaxNanos the latest a timer's callback has run after its deadline: the loop's lag
 * @param registeredChannels channels (listeners, connections) registered with the selector
 * @param readyCallbacks   callbacks waiting for the next phase 5: the ready queue's length
 * @param queuedBytes      bytes of buffers written to this loop's connections and not yet taken by
 *                         the kernel: the memory slow peers hold (file regions, sent zero-copy, not counted)
 * @param utilization      busy time over the last second, from 0 to 1
 * @param busyNanos        busy time since the loop first ran (loop clock)
 * @param idleNanos        time spent waiting in select since the loop first ran
 * @param delay            the loop's delay over the last second (p50, p99, max)
 * @param delayTotal       the loop's delay since it first ran, for cumulative histograms
 */
public record LoopStats(long iterations, long callbacksRun, long callbackErrors, long wakeups,
                        int pendingTimers, long timersFired, long timerLagMeanNanos, long timerLagMaxNanos,
                        int registeredChannels, int readyCallbacks, long queuedBytes,
                        double utilization, long busyNanos, long idleNanos,
                        DelayHistogram delay, DelayHistogram delayTotal) {

    /** Callbacks per turn of the loop since it started: how much each wake-up had to do. */
    public double callbacksPerIteration() {
        return iterations == 0 ? 0 : (double) callbacksRun / iterations;
    }
}
