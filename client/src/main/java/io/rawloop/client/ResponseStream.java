package io.rawloop.client;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.ResponseHead;
import io.rawloop.loop.Promise;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * A response whose head has arrived and whose body is read piece by piece, as it comes:
 * {@code while ((piece = await(stream.read())) != null) ...}.
 *
 * <p>Backpressure: pieces that arrive before they are read are held, and once more than
 * {@value #HIGH_WATER} bytes are held the connection stops reading, so the server's sending
 * stalls in TCP's flow control instead of in our memory. Reading resumes when what is held drops
 * below {@value #LOW_WATER} bytes. Memory per stream is bounded by the high water mark plus one
 * socket read.
 *
 * <p>A stream read to its end gives its connection back to the pool. {@link #close()} before the
 * end resets the connection (its remaining bytes would be read as the next response otherwise).
 * Loop thread only.
 */
public final class ResponseStream implements AutoCloseable {

    /** Above this many held bytes the connection stops reading. */
    public static final int HIGH_WATER = 64 * 1024;
    /** Below this many held bytes a paused connection reads again. */
    public static final int LOW_WATER = 16 * 1024;

    private final Exchange exchange;
    private final ResponseHead head;
    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean ended;
    private boolean paused;
    private boolean closed;
    private HttpClientException failure;
    private Promise<ByteBuffer> reader;

    ResponseStream(Exchange exchange, ResponseHead head) {
        this.exchange = exchange;
        this.head = head;
    }

    /** The status code. */
    public int status() {
        return head.status();
    }

    /** The reason phrase. */
    public String reason() {
        return head.reason();
    }

    /** HTTP/1.1 or HTTP/1.0. */
    public HttpVersion version() {
        return head.version();
    }

    /** The header fields. */
    public Headers headers() {
        return head.headers();
    }

    /** The URL the response came from. */
    public URI uri() {
        return exchange.request.uri();
    }

    /**
     * The next piece of the body (a fresh buffer), or null once the body is over. Fails with the
     * exchange's {@link HttpClientException} if the connection breaks. One read at a time.
     */
    public Promise<ByteBuffer> read() {
        if (reader != null) {
            throw new IllegalStateException("a read() is already pending on this stream");
        }
        Promise<ByteBuffer> p = exchange.call.client.loop().newPromise();
        if (!held.isEmpty()) {
            p.complete(take());
        } else if (failure != null) {
            p.fail(failure);
        } else if (ended || closed) {
            p.complete(null);
        } else {
            reader = p;
        }
        return p;
    }

    /** Stops reading: if the body is not over, its connection is reset and not reused. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        held.clear();
        heldBytes = 0;
        if (!ended && failure == null && exchange.connection != null) {
            exchange.connection.abandon(exchange, null);   // the rest of the body would desynchronize it
        }
    }

    // Package-private: what the exchange feeds in.
    void offer(ByteBuffer slice) {
        if (closed) {
            return;
        }
        ByteBuffer copy = ByteBuffer.allocate(slice.remaining());
        copy.put(slice).flip();   // the slice is the loop's shared read buffer: keep a copy
        if (reader != null) {
            Promise<ByteBuffer> r = reader;
            reader = null;
            r.complete(copy);
            return;
        }
        held.add(copy);
        heldBytes += copy.remaining();
        if (heldBytes > HIGH_WATER && !paused) {
            paused = true;
            exchange.connection.pauseReading();
        }
    }

    void end() {
        ended = true;
        if (paused) {
            paused = false;   // the body is all here: the connection reads again, for its next response
            exchange.connection.resumeReading();
        }
        if (reader != null && held.isEmpty()) {
            Promise<ByteBuffer> r = reader;
            reader = null;
            r.complete(null);
        }
    }

    void fail(HttpClientException error) {
        failure = error;
        if (reader != null) {
            Promise<ByteBuffer> r = reader;
            reader = null;
            r.fail(error);
        }
    }

    /**
     * Bytes that have arrived and wait to be read: at most 64 KiB plus one read, since the
     * connection stops reading above that (backpressure) and resumes below 16 KiB. Loop thread.
     */
    public long heldBytes() {
        return heldBytes;
    }

    private ByteBuffer take() {
        ByteBuffer piece = held.poll();
        heldBytes -= piece.remaining();
        if (paused && heldBytes < LOW_WATER) {
            paused = false;
            exchange.connection.resumeReading();
        }
        return piece;
    }
}
