package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;

/**
 * The {@link ConnectionHandler} behind {@link TcpStream#read()}: turns pushed data into
 * pulled promises, for coroutines that want {@code await(stream.read())}.
 *
 * <p>Data that arrives before anyone reads is kept, in order; once {@value #HOLD} bytes are held
 * the connection stops reading until the reader catches up, so a slow coroutine backs the peer
 * up into its kernel buffers rather than into our heap.
 */
final class AwaitedReads implements ConnectionHandler {

    /** Bytes held for a reader before reading pauses. */
    static final int HOLD = 64 * 1024;

    private final ArrayDeque<ByteBuffer> held = new ArrayDeque<>();
    private int heldBytes;
    private boolean endOfStream;
    private Throwable closedBy;
    private boolean closed;
    private Promise<ByteBuffer> waiting;

    /** The next bytes, null at end of stream; see {@link TcpStream#read()}. */
    Promise<ByteBuffer> read(TcpConnection connection) {
        EventLoop loop = connection.loop();
        if (waiting != null) {
            throw new IllegalStateException("a read() is already pending on " + connection + ": await it first");
        }
        if (!held.isEmpty()) {
            ByteBuffer next = held.poll();
            heldBytes -= next.remaining();
            if (heldBytes < HOLD && !closed) {
                connection.resumeReading();
            }
            return Promise.succeeded(loop, next);
        }
        if (endOfStream) {
            return Promise.succeeded(loop, null);
        }
        if (closed) {
            return Promise.failed(loop, closedBy != null ? closedBy : new ClosedChannelException());
        }
        waiting = loop.newPromise();
        waiting.onCancel(() -> waiting = null);
        return waiting;
    }

    @Override
    public void onData(TcpConnection connection, ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        if (waiting != null) {
            Promise<ByteBuffer> reader = waiting;
            waiting = null;
            reader.complete(copy);
            return;
        }
        held.add(copy);
        heldBytes += copy.remaining();
        if (heldBytes >= HOLD) {
            connection.pauseReading();
        }
    }

    @Override
    public void onEndOfStream(TcpConnection connection) {
        // Unlike the default, do not close: the coroutine decides, as it would with a socket.
        endOfStream = true;
        if (waiting != null) {
            Promise<ByteBuffer> reader = waiting;
            waiting = null;
            reader.complete(null);
        }
    }

    @Override
    public void onClose(TcpConnection connection, Throwable cause) {
        closed = true;
        closedBy = cause;
        if (waiting != null) {
            Promise<ByteBuffer> reader = waiting;
            waiting = null;
            if (cause == null && endOfStream) {
                reader.complete(null);
            } else {
                reader.fail(cause != null ? cause : new ClosedChannelException());
            }
        }
    }
}
