package io.rawloop.loop;

/**
 * The figures a loop keeps about itself, always on and cheap: plain fields, written by the loop
 * thread only, read from anywhere (possibly a little stale) when {@link EventLoop#stats()} takes
 * a snapshot.
 *
 * <h2>Busy and idle</h2>
 * The loop's time is cut at its calls to select: from a return of select to the next call, the
 * loop is <em>busy</em> (running callbacks, mostly); inside select it is <em>idle</em>. While no
 * thread runs the loop it is neither. Two clock readings per iteration, taken by
 * {@link LoopSelector#select} and the runner, are all it costs; {@link Utilization} and
 * {@link DelaySampler} make the live figures out of the intervals.
 * <pre>
 *   NOT RUNNING ──resumed──▶ BUSY ──selectEntered──▶ IDLE ──selectExited──▶ BUSY ...
 *        ▲                    │
 *        └──────paused────────┘
 * </pre>
 */
final class LoopFigures {

    /** Marks "no interval under way" in {@link #busySince} and {@link #idleSince}. */
    static final long NONE = Long.MIN_VALUE;

    long iterations;
    long callbacksRun;
    long callbackErrors;
    long timersFired;
    long timerLagTotalNanos;
    long timerLagMaxNanos;
    int registeredChannels;
    /** Heap bytes in the outgoing queues of the loop's connections; kept by {@link OutgoingQueue}. */
    long queuedBytes;

    private long busyNanos;
    private long idleNanos;
    private long busySince = NONE;
    private long idleSince = NONE;
    private long firstRun = NONE;
    private final Utilization utilization = new Utilization();
    private final DelaySampler delay = new DelaySampler();

    /** A timer due at {@code deadline} fired at {@code now}: how late it was. */
    void timerFired(long deadline, long now) {
        long lag = Math.max(0, now - deadline);
        timersFired++;
        timerLagTotalNanos += lag;
        if (lag > timerLagMaxNanos) {
            timerLagMaxNanos = lag;
        }
    }

    /** A thread starts running the loop: busy until its first select. */
    void resumed(long now) {
        busySince = now;
        if (firstRun == NONE) {
            firstRun = now;
        }
    }

    /** The running thread leaves the loop. */
    void paused(long now) {
        endBusy(now);
        idleSince = NONE;
    }

    /** The loop is about to wait in select. */
    void selectEntered(long now) {
        endBusy(now);
        idleSince = now;
    }

    /** The loop is back from select: busy from now on. */
    void selectExited(long now) {
        if (idleSince != NONE) {
            idleNanos += now - idleSince;
            delay.idle(idleSince, now);
        }
        idleSince = NONE;
        busySince = now;
    }

    private void endBusy(long now) {
        if (busySince != NONE) {
            busyNanos += now - busySince;
            utilization.busy(busySince, now);
            delay.busy(busySince, now);
            busySince = NONE;
        }
    }

    LoopStats snapshot(long now, long wakeups, int pendingTimers, int readyCallbacks) {
        long busyNow = busySince;   // read once: the loop thread may change them meanwhile
        long idleNow = idleSince;
        long busy = busyNanos + (busyNow == NONE ? 0 : Math.max(0, now - busyNow));
        long idle = idleNanos + (idleNow == NONE ? 0 : Math.max(0, now - idleNow));
        double ratio = firstRun == NONE ? 0 : utilization.ratio(now, firstRun, busyNow);
        return new LoopStats(iterations, callbacksRun, callbackErrors, wakeups, pendingTimers, timersFired,
                timersFired == 0 ? 0 : timerLagTotalNanos / timersFired, timerLagMaxNanos, registeredChannels,
                readyCallbacks, queuedBytes, ratio, busy, idle, delay.lastSecond(now, busyNow, idleNow), delay.total());
    }
}
