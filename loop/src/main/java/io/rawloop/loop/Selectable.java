package io.rawloop.loop;

import java.nio.channels.SelectionKey;

/**
 * The one attachment type of every {@link SelectionKey} the loop registers: whatever owns the
 * channel ({@link TcpListener}, {@link TcpConnection}).
 *
 * <p>Phase 2 of {@link EventLoop#runOnce} calls {@link #selected(int)}, which only records the
 * ready operations and queues this owner once; phase 5 runs {@link #onReady(int)}. Readiness is
 * level-triggered (mio's rules apply): a key is selected again as long as the condition holds, so
 * an owner may read once per turn, and must expect a spurious wake-up (a read of zero bytes).
 */
abstract class Selectable {

    final EventLoop loop;
    SelectionKey key;
    private int pendingOps;
    private boolean queued;
    /** Created once, so that queueing an owner on every readiness allocates nothing. */
    private final Runnable dispatch = this::dispatch;

    Selectable(EventLoop loop) {
        this.loop = loop;
    }

    // region selected
    /** Phase 2: remember what is ready; queue the owner unless it already is. */
    final void selected(int readyOps) {
        pendingOps |= readyOps;
        if (!queued) {
            queued = true;
            loop.enqueue(dispatch);
        }
    }

    private void dispatch() {
        int ops = pendingOps;
        pendingOps = 0;
        queued = false;
        if (key != null && key.isValid()) {
            onReady(ops);
        }
    }
    // endregion selected

    /** Phase 5: handle {@code readyOps} (a mask of {@link SelectionKey}'s OP_ constants). */
    abstract void onReady(int readyOps);

    /** The loop is closing: close the channel and tell the owner's user, via the ready queue. */
    abstract void closeBecauseLoopCloses();

    /** Adds {@code op} to the key's interest set; a no-op on a closed key. */
    final void interest(int op, boolean on) {
        if (key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int next = on ? ops | op : ops & ~op;
        if (next != ops) {
            key.interestOps(next);
        }
    }
}
