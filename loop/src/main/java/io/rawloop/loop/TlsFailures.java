package io.rawloop.loop;

import java.nio.ByteBuffer;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Every way a {@link TlsLayer} can end badly, in words that say what happened: what
 * {@link TlsHandler#onClose} receives. A failure during the handshake is an
 * {@link SSLHandshakeException}; the end of the data without close_notify is a
 * {@link TlsTruncationException}.
 */
final class TlsFailures {

    private TlsFailures() {
    }

    /** The engine refused something; its own message, and its causes', which often say more. */
    static SSLException engine(SSLException e, boolean handshaking) {
        String words = (handshaking ? "TLS handshake failed: " : "TLS failed: ") + reasons(e);
        return handshaking ? new SSLHandshakeException(words, e) : new SSLException(words, e);
    }

    /** A record header no TLS record has; {@code received} is filled from 0 to its position. */
    static SSLException notTls(ByteBuffer received) {
        boolean http = TlsRecords.classify(received.duplicate().flip()) == TlsRecords.Opening.PLAIN_HTTP;
        return new SSLException("not TLS: where a record should start, the bytes are " + TlsRecords.describeStart(received)
                + (http ? ": a plain HTTP request sent to a TLS port" : ", which start no TLS record"));
    }

    /** The peer's FIN (or the transport's end) came before its close_notify. */
    static SSLException endedIn(TlsLayer.State state) {
        if (state == TlsLayer.State.HANDSHAKING) {
            return new SSLHandshakeException("the connection closed during the TLS handshake, with no alert: the peer gave up");
        }
        return new TlsTruncationException("the connection closed without close_notify: what arrived may be cut short");
    }

    /** The peer's close_notify came before the handshake finished. */
    static SSLException closedDuringHandshake() {
        return new SSLHandshakeException("the peer sent close_notify before the handshake finished");
    }

    /** The delegated tasks could not run, or failed. */
    static SSLException tasks(String what, Throwable cause) {
        return new SSLHandshakeException("the TLS handshake's work " + what
                + (cause == null ? "" : ": " + reasons(cause)), cause);
    }

    /**
     * The message of {@code e} and of its causes: the JDK often says "Unexpected exception" and
     * puts the reason ("Unexpected plaintext alert received: ... user_canceled") in the cause.
     */
    private static String reasons(Throwable e) {
        StringBuilder words = new StringBuilder(IoErrors.reason(e));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !words.toString().contains(c.getMessage())) {
                words.append(" (").append(c.getMessage()).append(')');
            }
        }
        return words.toString();
    }
}
