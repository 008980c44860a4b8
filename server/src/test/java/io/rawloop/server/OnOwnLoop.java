package io.rawloop.server;

import io.rawloop.loop.EventLoop;

/** A coroutine on a loop of its own, run to its end on the calling thread: for client-side test code. */
@FunctionalInterface
public interface OnOwnLoop<T> {

    /** The coroutine's body; may await. */
    T run(EventLoop loop) throws Exception;

    /** Runs {@code body} as a coroutine on a new loop until it returns, then closes the loop. */
    static <T> T run(OnOwnLoop<T> body) {
        try (EventLoop loop = EventLoop.create()) {
            return loop.runUntilComplete(loop.spawn(() -> body.run(loop)));
        }
    }
}
