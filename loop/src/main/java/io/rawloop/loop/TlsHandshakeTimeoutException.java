package io.rawloop.loop;

import javax.net.ssl.SSLHandshakeException;

/**
 * The TLS handshake did not finish within {@link TlsOptions#handshakeTimeout()}: the peer stalled
 * (or never spoke TLS at all), and the connection was closed. A handshake failure of its own
 * type, so that a client can say "timed out" rather than "refused".
 */
public final class TlsHandshakeTimeoutException extends SSLHandshakeException {

    private static final long serialVersionUID = 1L;

    /** A timeout, with how long was waited in {@code message}. */
    public TlsHandshakeTimeoutException(String message) {
        super(message);
    }
}
