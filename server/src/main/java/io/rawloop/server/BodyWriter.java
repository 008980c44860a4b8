package io.rawloop.server;

import io.rawloop.loop.Promise;
import java.nio.ByteBuffer;

/**
 * Where a streamed response's producer writes its body ({@link Response#stream}): each write is
 * one chunk (or, to an HTTP/1.0 client, plain bytes ended by the close), and {@link #end()} ends
 * the body. Loop thread only. (The client's {@code io.rawloop.client.ResponseStream} is the other
 * direction: it reads a body.)
 */
public interface BodyWriter {

    /**
     * Sends {@code data} as one chunk.
     *
     * @return a promise that completes once it is handed to the kernel: await it to go at the
     *         client's pace; it fails if the connection closed
     */
    Promise<Void> write(ByteBuffer data);

    /** Ends the body (the last chunk); the response is complete. */
    void end();

    /** True while the client can still receive (false once the connection closed or the body ended). */
    boolean isOpen();
}
