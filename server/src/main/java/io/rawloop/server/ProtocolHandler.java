package io.rawloop.server;

import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.TcpConnection;
import java.nio.ByteBuffer;

/**
 * What takes a connection over once a handler has answered {@code 101 Switching Protocols}
 * ({@link Response#switchingProtocols}, RFC 9110 §15.2.2): from then on the bytes are the new
 * protocol's, and this handler hears the connection's events in place of the HTTP side.
 *
 * <p>The server still counts the connection as open until it closes, and tells this handler when
 * it shuts down gracefully ({@link #shutdown}).
 */
public interface ProtocolHandler extends ConnectionHandler {

    /**
     * The 101 is queued: the connection is yours. {@code alreadyRead} holds the bytes that came
     * after the request's head in the same reads (often none), to be handled before the next
     * {@link #onData}; reading resumes when this returns. Loop thread.
     */
    void start(TcpConnection connection, ByteBuffer alreadyRead);

    /** The server shuts down gracefully: say goodbye in the protocol's way; the default closes. */
    default void shutdown(TcpConnection connection) {
        connection.close();
    }
}
