package io.rawloop.server;

import io.rawloop.http.RequestHead;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.TcpConnection;
import java.nio.ByteBuffer;

/**
 * A connection after its 101: the events go to the new protocol's {@link ProtocolHandler}, and
 * its close to the HTTP side too, so that the server's count of open connections and its
 * shutdown stay right.
 */
final class ProtocolSwitch implements ConnectionHandler {

    private final ProtocolHandler next;
    private final ConnectionHandler http;

    private ProtocolSwitch(ProtocolHandler next, ConnectionHandler http) {
        this.next = next;
        this.http = http;
    }

    /** True if {@code head} asks to upgrade: an Upgrade field, listed in Connection (RFC 9110 §7.8). */
    static boolean asked(RequestHead head) {
        return head.headers().contains("Upgrade") && head.headers().hasToken("Connection", "upgrade");
    }

    /** Hands {@code connection} to {@code next}, with the bytes already read past the request head. */
    static void start(TcpConnection connection, ProtocolHandler next, ConnectionHandler http, ByteBuffer alreadyRead) {
        connection.setHandler(new ProtocolSwitch(next, http));
        next.start(connection, alreadyRead == null ? ByteBuffer.allocate(0) : alreadyRead);
        if (connection.isOpen()) {
            connection.resumeReading();
        }
    }

    @Override
    public void onData(TcpConnection connection, ByteBuffer data) {
        next.onData(connection, data);
    }

    @Override
    public void onEndOfStream(TcpConnection connection) {
        next.onEndOfStream(connection);
    }

    @Override
    public void onWritabilityChanged(TcpConnection connection, boolean writable) {
        next.onWritabilityChanged(connection, writable);
    }

    @Override
    public void onClose(TcpConnection connection, Throwable cause) {
        try {
            next.onClose(connection, cause);
        } finally {
            http.onClose(connection, cause);
        }
    }
}
