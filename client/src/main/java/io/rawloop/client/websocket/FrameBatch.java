package io.rawloop.client.websocket;

import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames a {@link WebSocket} sends while it handles a read of its own, gathered in one
 * buffer of the loop thread's and handed to the connection once, when the read is handled, with
 * {@code TcpConnection.writeBorrowed}: the echo of sixteen messages that came in one read costs
 * one write, and no buffer per frame (a copy of the batch is queued only when bytes are already
 * queued ahead of it, or the kernel refuses some). The HTTP server batches its answers the same
 * way: see its {@code ResponseWriter}.
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
 *
 * <p>Each send gets a promise of its own, as {@code TcpConnection.drained()} gives, so that one
 * caller who cancels its promise (a timeout) leaves the others untouched; they settle together
 * when the batch is written. The first is the one a read with a single answer needs, and the only
 * object a batched echo makes.
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
    /** What the first send of this batch returned, settled once the bytes are with the kernel. */
    private Promise<Void> first;
    /** What the later sends returned, made for the second: most reads have one answer. */
    private List<Promise<Void>> more;

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

    /** Adds one frame (at most {@link #MAX_PAYLOAD} of payload); its promise settles with the batch. */
    Promise<Void> add(FrameWriter writer, Opcode opcode, byte[] payload) {
        if (buffer.position() + writer.size(payload.length) > CAPACITY) {
            flush();
        }
        writer.put(buffer, opcode, true, payload, 0, payload.length);
        Promise<Void> sent = new Promise<>(connection.loop());
        if (first == null) {
            first = sent;
        } else {
            if (more == null) {
                more = new ArrayList<>(4);
            }
            more.add(sent);
        }
        return sent;
    }

    /**
     * Hands what is gathered to the connection now; the sends so far hear when it is with the
     * kernel, or that it never will be. The batch is empty after, whatever happens.
     */
    void flush() {
        Promise<Void> one = first;
        List<Promise<Void>> others = more;
        first = null;
        more = null;
        Throwable failure = null;
        try {
            if (buffer.position() > 0 && connection.isOpen()) {
                connection.writeBorrowed(buffer.flip());
            }
        } catch (IllegalStateException e) {
            // Someone who holds the connection closed it, or shut its output, while the read was
            // handled (a listener that closed TCP itself): these frames can no longer go.
            failure = new IOException("the connection was closed before the frames were sent: " + e.getMessage());
        } finally {
            buffer.clear();
        }
        if (one == null) {
            return;
        }
        if (failure == null && !connection.isOpen()) {
            failure = new IOException("the connection closed before the frames were sent");
        }
        Promise<Void> kernel = failure == null ? connection.drained() : Promise.failed(connection.loop(), failure);
        settleAs(kernel, one);
        if (others != null) {
            others.forEach(sent -> settleAs(kernel, sent));
        }
    }

    /** {@code sent} settles as {@code kernel} does: now if it has (the usual case), else when it does. */
    private static void settleAs(Promise<Void> kernel, Promise<Void> sent) {
        if (kernel.isSucceeded()) {
            sent.complete(null);
        } else if (kernel.isDone()) {
            sent.fail(kernel.failureNow());
        } else {
            kernel.onComplete((v, f) -> {
                if (f == null) {
                    sent.complete(null);
                } else {
                    sent.fail(f);
                }
            });
        }
    }

    /** The read is handled: what is gathered goes to the connection. */
    void end() {
        try {
            flush();
        } finally {
            owner = null;
            connection = null;
        }
    }
}
