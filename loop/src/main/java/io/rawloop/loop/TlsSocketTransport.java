package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * The {@link TlsTransport} beneath a {@link TlsWire}: the records go to the connection's write
 * half, where the watermarks count them (ciphertext, the bytes really waiting for the kernel).
 */
final class TlsSocketTransport implements TlsTransport {

    private final TcpConnection connection;

    TlsSocketTransport(TcpConnection connection) {
        this.connection = connection;
    }

    @Override
    public void write(ByteBuffer records) {
        if (connection.isOpen()) {
            connection.outgoing.write(records);
        }
    }

    @Override
    public void close() {
        connection.close();
    }
}
