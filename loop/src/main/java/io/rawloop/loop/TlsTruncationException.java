package io.rawloop.loop;

import javax.net.ssl.SSLException;

/**
 * The transport ended before the peer's close_notify: what arrived may have been cut short, and
 * nothing on the wire can tell. RFC 8446 §6.1 (and RFC 5246 §7.2.1) make each side send
 * close_notify before it closes its write side, precisely so that a truncation attack, an
 * attacker sending a FIN in the middle, can be told from the end of the data.
 *
 * <p>Whether it matters is the protocol's business, not TLS's: an HTTP response whose
 * Content-Length was fully read lost nothing, and many servers never send close_notify. So
 * {@link TlsHandler#onClose} reports it as its own type, distinct from a clean close (null) and
 * from a TLS failure (another {@link SSLException}).
 */
public final class TlsTruncationException extends SSLException {

    private static final long serialVersionUID = 1L;

    /** A truncation, with the circumstance in {@code message}. */
    public TlsTruncationException(String message) {
        super(message);
    }
}
