package io.rawloop.loop;

/**
 * The figures a loop keeps about itself, always on and cheap: plain fields, written by the loop
 * thread only, read from anywhere (possibly a little stale) when {@link EventLoop#stats()} takes
 * a snapshot.
 */
final class LoopFigures {

    long iterations;
    long callbacksRun;
    long callbackErrors;
    long timersFired;
    long timerLagTotalNanos;
    long timerLagMaxNanos;
    int registeredChannels;
    /** Heap bytes in the outgoing queues of the loop's connections; kept by {@link OutgoingQueue}. */
    long queuedBytes;

    /** A timer due at {@code deadline} fired at {@code now}: how late it was. */
    void timerFired(long deadline, long now) {
        long lag = Math.max(0, now - deadline);
        timersFired++;
        timerLagTotalNanos += lag;
        if (lag > timerLagMaxNanos) {
            timerLagMaxNanos = lag;
        }
    }

    LoopStats snapshot(long wakeups, int pendingTimers, int readyCallbacks) {
        return new LoopStats(iterations, callbacksRun, callbackErrors, wakeups, pendingTimers, timersFired,
                timersFired == 0 ? 0 : timerLagTotalNanos / timersFired, timerLagMaxNanos, registeredChannels,
                readyCallbacks, queuedBytes);
    }
}
