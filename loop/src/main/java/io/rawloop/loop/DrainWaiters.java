package io.rawloop.loop;

import java.util.ArrayDeque;

/**
 * The promises that callers of {@code drained()} wait on, settled together when the bytes they
 * wait for have gone (or cannot go). Each caller gets a promise of its own, so that one who
 * cancels its promise (a timeout, say) leaves every other caller's untouched. Made only when
 * somebody waits: most connections never do. Loop-confined.
 */
final class DrainWaiters {

    private final ArrayDeque<Promise<Void>> waiting = new ArrayDeque<>(2);

    /** A new waiter's promise. */
    Promise<Void> add(EventLoop loop) {
        Promise<Void> waiter = loop.newPromise();
        waiting.add(waiter);
        return waiter;
    }

    /** Settles every waiter: with success, or with {@code failure}. */
    void settle(Throwable failure) {
        Promise<Void> waiter;
        while ((waiter = waiting.poll()) != null) {
            if (failure == null) {
                waiter.complete(null);   // false for one its caller cancelled: nothing to do
            } else {
                waiter.fail(failure);
            }
        }
    }

    /** Every waiter settles as {@code next} does: the bytes have moved on to another queue. */
    void follow(Promise<Void> next) {
        Promise<Void> waiter;
        while ((waiter = waiting.poll()) != null) {
            next.onComplete(waiter::settleFrom);
        }
    }
}
