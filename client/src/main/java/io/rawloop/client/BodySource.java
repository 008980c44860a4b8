package io.rawloop.client;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.nio.ByteBuffer;

/**
 * A request body produced piece by piece. The client asks for the next piece only after the
 * previous one has been handed to the kernel, so a slow server slows the producer down instead of
 * filling memory: backpressure by pulling.
 */
@FunctionalInterface
public interface BodySource {

    /**
     * The next piece of the body, or a promise of null when the body is over. Called on the loop
     * thread, one call at a time; the buffer is not read after the returned promise's piece is sent.
     */
    Promise<ByteBuffer> next(EventLoop loop);

    /** A source of the given pieces, in order. */
    static BodySource of(ByteBuffer... pieces) {
        ByteBuffer[] copy = pieces.clone();
        int[] next = {0};
        return loop -> Promise.succeeded(loop, next[0] < copy.length ? copy[next[0]++].duplicate() : null);
    }
}
