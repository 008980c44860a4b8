package io.rawloop.client.websocket;

import io.rawloop.loop.Promise;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * Where a {@link WebSocket}'s messages go: to its listener, to a pending {@code receive()}, or
 * into a short queue; a full queue pauses reading, so a slow coroutine backs the peer up into
 * its own socket rather than into our heap.
 */
final class Inbound {

    /** Messages held for {@code receive()} beyond which reading pauses; it resumes at half. */
    private static final int QUEUE_HIGH = 16;

    private final WebSocket socket;
    /** Made for the first message that must wait: a listener, or a receive() that keeps up, needs none. */
    private ArrayDeque<WebSocketMessage> queue;
    private WebSocket.Listener listener;
    private Promise<WebSocketMessage> waiting;

    Inbound(WebSocket socket) {
        this.socket = socket;
    }

    /** From now on, to {@code to}; {@code closedWith} non-null if the socket has closed already. */
    void listen(WebSocket.Listener to, CloseStatus closedWith) {
        if (waiting != null) {
            throw new IllegalStateException("listen() while a receive() is pending");
        }
        listener = to;
        while (queue != null && !queue.isEmpty()) {
            deliver(queue.poll());
        }
        if (closedWith != null) {
            to.onClose(socket, closedWith);
        }
    }

    Promise<WebSocketMessage> receive(boolean closed) {
        if (listener != null || waiting != null) {
            throw new IllegalStateException(listener != null ? "receive() on a WebSocket with a listener"
                    : "receive() while a receive is pending");
        }
        if (queue != null && !queue.isEmpty()) {
            WebSocketMessage next = queue.poll();
            if (queue.size() < QUEUE_HIGH / 2 && socket.connection().isOpen()) {
                socket.connection().resumeReading();
            }
            return Promise.succeeded(socket.connection().loop(), next);
        }
        if (closed) {
            return Promise.succeeded(socket.connection().loop(), null);
        }
        waiting = new Promise<>(socket.connection().loop());
        return waiting;
    }

    /**
     * A text message from the decoder: straight to a listener as the String it already is (not
     * encoded to bytes for a {@link WebSocketMessage} and decoded again), or held as a message.
     */
    void text(String text) {
        if (listener != null) {
            listener.onText(socket, text);
        } else {
            deliver(new WebSocketMessage(true, text.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** A binary message from the decoder: to a listener, with no message object on the way, or held. */
    void binary(byte[] data) {
        if (listener != null) {
            listener.onBinary(socket, data);
        } else {
            deliver(new WebSocketMessage(false, data));
        }
    }

    void deliver(WebSocketMessage message) {
        if (listener != null) {
            if (message.isText()) {
                listener.onText(socket, message.text());
            } else {
                listener.onBinary(socket, message.data());
            }
        } else if (waiting != null) {
            Promise<WebSocketMessage> w = waiting;
            waiting = null;
            w.complete(message);
        } else {
            if (queue == null) {
                queue = new ArrayDeque<>(4);
            }
            queue.add(message);
            if (queue.size() >= QUEUE_HIGH) {
                socket.connection().pauseReading();
            }
        }
    }

    void pong(byte[] payload) {
        if (listener != null) {
            listener.onPong(socket, payload);
        }
    }

    /** The socket closed: a pending receive gets null (held messages can still be received). */
    void closed(CloseStatus status) {
        if (waiting != null) {
            Promise<WebSocketMessage> w = waiting;
            waiting = null;
            w.complete(null);
        }
        if (listener != null) {
            listener.onClose(socket, status);
        }
    }
}
