package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * What a {@link TcpConnection} tells its owner, always on the loop thread, one call at a time.
 *
 * <p>Order of events on one connection: on a TLS connection first {@link #onTlsHandshake}; then
 * any number of {@link #onData} (interleaved with {@link #onWritabilityChanged}), at most one
 * {@link #onEndOfStream}, and exactly one {@link #onClose} last.
 */
public interface ConnectionHandler {

    /**
     * On a connection with {@link TcpConnection#startTls TLS}: the handshake is done, and what the
     * peer sends from now on is its data. A server counts the wait for a request from here: the
     * handshake had its own timeout.
     */
    default void onTlsHandshake(TcpConnection connection, TlsHandshake handshake) {
    }

    /**
     * Bytes arrived. {@code data} is the loop's shared read buffer, positioned at the bytes: use
     * or copy them before returning, because the next read on this loop overwrites it.
     */
    void onData(TcpConnection connection, ByteBuffer data);

    /**
     * The peer shut down its output (it sent FIN): nothing more will arrive. Reported once.
     * Our side may still write; the default closes the connection once pending writes are out,
     * which is what most protocols want.
     */
    default void onEndOfStream(TcpConnection connection) {
        connection.close();
    }

    /**
     * Pending outgoing bytes crossed the high watermark ({@code writable} false: reading is
     * paused until the peer catches up) or fell back below the low one ({@code writable} true:
     * reading resumed). A producer of a long response should pause and resume with it.
     */
    default void onWritabilityChanged(TcpConnection connection, boolean writable) {
    }

    /**
     * The connection is closed; called exactly once.
     *
     * @param cause null for a clean close (ours or the peer's), else what went wrong: a reset,
     *              a failed write, the loop closing
     */
    default void onClose(TcpConnection connection, Throwable cause) {
    }
}
