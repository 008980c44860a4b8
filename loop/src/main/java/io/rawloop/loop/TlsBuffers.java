package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * The three buffers a {@link TlsLayer}'s engine reads and writes, sized from its session and grown
 * when the engine says they are too small (BUFFER_OVERFLOW, BUFFER_UNDERFLOW), re-reading the
 * session's sizes, which can change during the handshake. All three are filled from 0 to their
 * position.
 * <ul>
 *   <li>{@code netIn}: ciphertext received and not yet unwrapped. {@link #unwrap} hands the
 *       engine only whole records, as the record header's length says; half a record would only
 *       earn a BUFFER_UNDERFLOW.</li>
 *   <li>{@code appIn}: the plaintext of one record, delivered at once, then cleared.</li>
 *   <li>{@code netOut}: records wrapped and not yet handed to the transport. Several small
 *       records (a handshake flight) collect here and leave in one buffer.</li>
 * </ul>
 */
final class TlsBuffers {

    private final SSLEngine engine;
    private final TlsTransport transport;
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private ByteBuffer netOut;

    TlsBuffers(SSLEngine engine, TlsTransport transport) {
        this.engine = engine;
        this.transport = transport;
        this.netIn = ByteBuffer.allocate(packetSize());
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packetSize());
    }

    /**
     * Copies what fits of {@code ciphertext} into netIn. It is full only when whole records wait
     * there, which happens while a delegated task keeps the layer from unwrapping: then it grows.
     */
    void take(ByteBuffer ciphertext) {
        if (!netIn.hasRemaining()) {
            netIn = grown(netIn, 2 * netIn.capacity());
        }
        int n = Math.min(netIn.remaining(), ciphertext.remaining());
        netIn.put(ciphertext.slice(ciphertext.position(), n));
        ciphertext.position(ciphertext.position() + n);
    }

    /** True when netIn starts with bytes no TLS record starts with. */
    boolean startsWithGarbage() {
        return TlsRecords.firstRecordLength(netIn) == TlsRecords.NOT_A_RECORD;
    }

    /**
     * Unwraps the first record of netIn into appIn; null, with room made for it, while it is not
     * whole. A record longer than the engine takes goes to the engine anyway, which refuses it
     * with its own reason and alert.
     */
    SSLEngineResult unwrap() throws SSLException {
        int length = TlsRecords.firstRecordLength(netIn);
        if (length == 0 || length > netIn.position() && length <= packetSize()) {
            netIn = grown(netIn, length);
            return null;
        }
        SSLEngineResult result;
        netIn.flip();
        try {
            result = engine.unwrap(netIn, appIn);
        } finally {
            netIn.compact();
        }
        switch (result.getStatus()) {
            case BUFFER_OVERFLOW -> appIn = grown(appIn,
                    Math.max(engine.getSession().getApplicationBufferSize(), 2 * appIn.capacity()));
            case BUFFER_UNDERFLOW -> netIn = grown(netIn, Math.max(length, packetSize()));
            case OK, CLOSED -> { }
        }
        return result;
    }

    /** Hands the plaintext unwrapped, if any, to {@code reader}, valid during the call only. */
    void deliver(Consumer<ByteBuffer> reader) {
        if (appIn.position() == 0) {
            return;
        }
        appIn.flip();
        try {
            reader.accept(appIn);
        } finally {
            appIn.clear();
        }
    }

    /**
     * Wraps {@code plaintext} (or a handshake message or alert: the engine decides) into netOut.
     * On BUFFER_OVERFLOW the records so far leave first, or, if there were none, netOut grows.
     */
    SSLEngineResult wrap(ByteBuffer[] plaintext) throws SSLException {
        SSLEngineResult result = engine.wrap(plaintext, netOut);
        if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            if (netOut.position() > 0) {
                flush();
            } else {
                netOut = grown(netOut, Math.max(packetSize(), 2 * netOut.capacity()));
            }
        }
        return result;
    }

    /**
     * Hands the records in netOut to the transport, in a buffer of their own. (Lending netOut to
     * the socket instead, sent at once when nothing is queued, lost responses to gnutls-cli: a
     * peer whose close_notify came with its request got neither the answer nor our close_notify.
     * Not understood yet, so the copy stays: TlsServerTest.gnutlsCliGetsAnAnswer.)
     */
    void flush() {
        if (netOut.position() == 0) {
            return;
        }
        ByteBuffer records = ByteBuffer.allocate(netOut.position()).put(netOut.flip()).flip();
        netOut.clear();
        transport.write(records);
    }

    /** Forgets the ciphertext not yet unwrapped. */
    void discardIncoming() {
        netIn.clear();
    }

    /** Why the bytes in netIn are not TLS, in words that show them. */
    SSLException notTls() {
        return TlsFailures.notTls(netIn);
    }

    /**
     * Wraps what the engine still has to say after a failure or a close (an alert, close_notify),
     * as a courtesy to the peer: the connection is ending anyway, so a failure here is ignored.
     */
    void wrapAlerts() {
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone()
                    && engine.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP; i++) {
                SSLEngineResult result = wrap(new ByteBuffer[0]);
                if (result.bytesProduced() == 0 && result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    break;
                }
            }
        } catch (SSLException alreadyFailing) {
            // nothing more to say
        }
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** {@code buffer}'s bytes in a buffer of at least {@code capacity}: itself if it is that big. */
    private static ByteBuffer grown(ByteBuffer buffer, int capacity) {
        if (capacity <= buffer.capacity()) {
            return buffer;
        }
        return ByteBuffer.allocate(capacity).put(buffer.flip());
    }
}
