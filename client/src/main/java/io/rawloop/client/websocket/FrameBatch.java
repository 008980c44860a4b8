package io.rawloop.client.websocket;

import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The frames a {@link WebSocket} sends while it handles a read of its own, gathered in one
 * buffer of the loop thread's and handed to the connection once, when the read is handled, with
 * {@code TcpConnection.writeBorrowed}: the echo of sixteen messages that came in one read costs
 * one write, and no buffer per frame unless the kernel refuses some of the bytes. (The HTTP
 * server batches its answers the same way: see its {@code ResponseWriter}.)
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   idle ──claim(socket)──▶ gathering for that socket ──end()──▶ idle
 *                              │  ▲
 *                              └──┘ flush(): the socket must write something else first, or the buffer is full
 * </pre>
 * A loop handles one read at a time, so one batch per loop thread serves all its sockets; only
 * the socket whose read is under way puts frames in it (a chat room's broadcast, sent to every
 * other socket from one socket's read, goes out as it did before), and it is empty between reads.
 */
final class FrameBatch {

    /** Frames with more payload than this go out in a buffer of their own: the batch stays small. */
    static final int MAX_PAYLOAD = 8 * 1024;
    /** A frame that would take the batch past this flushes it first. */
    private static final int CAPACITY = 64 * 1024;
    private static final ThreadLocal<FrameBatch> OF_THREAD = ThreadLocal.withInitial(FrameBatch::new);

    private final ByteBuffer buffer = ByteBuffer.allocate(CAPACITY);
    /** The socket whose read is under way, and its connection; null when idle. */
    private WebSocket owner;
    private TcpConnection connection;
    /** What this batch's sends returned: made for the first, settled once the bytes are with the kernel. */
    private Promise<Void> drained;

    /**
     * {@code socket}'s read begins: the calling loop thread's batch, now {@code socket}'s until
     * {@link #end}; null if another read is under way (then {@code socket} does not batch).
     */
    static FrameBatch claim(WebSocket socket, TcpConnection over) {
        FrameBatch batch = OF_THREAD.get();
        if (batch.owner != null) {
            return null;
        }
        batch.owner = socket;
        batch.connection = over;
        return batch;
    }

    /** Adds one frame (at most {@link #MAX_PAYLOAD} of payload); the promise is the batch's. */
    Promise<Void> add(FrameWriter writer, Opcode opcode, byte[] payload) {
        if (buffer.position() + writer.size(payload.length) > CAPACITY) {
            flush();
        }
        writer.put(buffer, opcode, true, payload, 0, payload.length);
        if (drained == null) {
            drained = new Promise<>(connection.loop());
        }
        return drained;
    }

    /** Hands what is gathered to the connection now; the sends so far hear when it is with the kernel. */
    void flush() {
        if (buffer.position() > 0 && connection.isOpen()) {
            connection.writeBorrowed(buffer.flip());
        }
        buffer.clear();
        Promise<Void> waiting = drained;
        drained = null;
        if (waiting == null) {
            return;
        }
        if (!connection.isOpen()) {
            waiting.fail(new IOException("the connection closed before the frames were sent"));
            return;
        }
        Promise<Void> kernel = connection.drained();
        if (kernel.isSucceeded()) {
            waiting.complete(null);
        } else {
            kernel.onComplete((v, failure) -> {
                if (failure == null) {
                    waiting.complete(null);
                } else {
                    waiting.fail(failure);
                }
            });
        }
    }

    /** The read is handled: what is gathered goes to the connection. */
    void end() {
        flush();
        owner = null;
        connection = null;
    }
}
