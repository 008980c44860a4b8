package io.rawloop.server;

import io.rawloop.loop.AcceptLimit;
import io.rawloop.loop.TcpListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's cap on open connections, shared by the listeners of all its loops.
 *
 * <p>A place is claimed before each accept (see {@link AcceptLimit}) with a compare-and-set, so
 * two loops accepting at once cannot both take the last one. A listener that finds the cap full
 * pauses; the release that frees a place at the cap resumes every paused listener, each on its own
 * loop. The loop that frees a place is often not one that paused: with a pause flag per loop, a
 * loop whose own connections had all closed while the other loops held the cap stayed paused for
 * good, and two loops could each accept "the last" connection.
 *
 * <p>Why no listener stays paused while a place is free: a listener joins {@link #paused}
 * before it looks at the count, and pauses only if the count is at the cap; the count can leave the
 * cap only through a later release from the cap, which finds it there and resumes it. Resuming a
 * listener that is not paused (it won a place after joining) does nothing.
 */
final class ConnectionCap implements AcceptLimit {

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private final Set<TcpListener> paused = ConcurrentHashMap.newKeySet();

    ConnectionCap(int max) {
        this.max = max;
    }

    @Override
    public boolean tryAcquire(TcpListener listener) {
        for (int n = open.get(); n < max; n = open.get()) {
            if (open.compareAndSet(n, n + 1)) {
                return true;
            }
        }
        paused.add(listener);
        // Look once more: a release between the first look and joining the set did not see us.
        for (int n = open.get(); n < max; n = open.get()) {
            if (open.compareAndSet(n, n + 1)) {
                paused.remove(listener);
                return true;
            }
        }
        return false;
    }

    @Override
    public void release() {
        if (open.getAndDecrement() == max) {
            for (TcpListener listener : paused) {
                paused.remove(listener);
                try {
                    listener.loop().execute(listener::resumeAccepting);
                } catch (RejectedExecutionException closed) {
                    // that loop has closed: it accepts nothing any more
                }
            }
        }
    }
}
