package io.rawloop.loop;

/**
 * A snapshot of an {@link EventLoop}'s figures, for {@code /stats} pages and tests.
 *
 * @param iterations       turns of {@code runOnce} so far
 * @param callbacksRun     callbacks run in phase 5 (I/O readiness, tasks, timers, listeners)
 * @param callbackErrors   callbacks that threw (each was logged; the loop went on)
 * @param wakeups          times another thread had to wake the selector for {@code execute}
 * @param pendingTimers    timers scheduled and not yet due or cancelled
 * @param timersFired      timers whose callback ran
 * @param timerLagMeanNanos how late, on average, a timer's callback ran after its deadline
 * @param timerLagMaxNanos the latest a timer's callback has run after its deadline: the loop's lag
 * @param registeredChannels channels (listeners, connections) registered with the selector
 * @param readyCallbacks   callbacks waiting for the next phase 5
 * @param queuedBytes      bytes of buffers written to this loop's connections and not yet taken by
 *                         the kernel: the memory slow peers hold (file regions, sent zero-copy, not counted)
 */
public record LoopStats(long iterations, long callbacksRun, long callbackErrors, long wakeups,
                        int pendingTimers, long timersFired, long timerLagMeanNanos, long timerLagMaxNanos,
                        int registeredChannels, int readyCallbacks, long queuedBytes) {
}
