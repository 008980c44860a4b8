package io.rawloop.client;

import java.io.IOException;
import java.net.URI;

/**
 * Every way a request can fail, as one exception whose message says what happened and where:
 * {@code "GET http://127.0.0.1:8080/x: no response head within 200 ms (response-header timeout)"}.
 * {@link #kind()} says the same for code, and {@link #getCause()} keeps the JDK's exception when
 * there was one.
 */
public final class HttpClientException extends IOException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; the message gives the details. */
    public enum Kind {
        /** The URL is not one the client can fetch (not http or https, no host). */
        UNSUPPORTED,
        /** The host name did not resolve. */
        DNS,
        /** The server refused the connection, or it could not be reached. */
        REFUSED,
        /** No connection within the connect timeout. */
        CONNECT_TIMEOUT,
        /** Connected, sent the request, but no response head within the response-header timeout. */
        HEADER_TIMEOUT,
        /** The whole exchange (pool wait, connect, response, redirects) outlasted the total timeout. */
        TOTAL_TIMEOUT,
        /** The server reset the connection (RST). */
        RESET,
        /** The server closed the connection before the response was complete. */
        CLOSED,
        /** The bytes that came back are not an HTTP/1.1 response; the message names the byte. */
        MALFORMED,
        /** The response body is larger than the client's cap. */
        TOO_LARGE,
        /** More redirects than the hop limit. */
        TOO_MANY_REDIRECTS,
        /** The request body's {@link BodySource} failed, or gave another length than declared. */
        REQUEST_BODY,
        /** The server refused a WebSocket handshake (no 101); the message says how it answered. */
        HANDSHAKE,
        /** The request was cancelled, or the client was closed while it was in flight. */
        CANCELLED,
        /**
         * The TLS handshake failed; the message says why: a certificate from a CA not trusted
         * (or self-signed), a certificate for another name, no TLS version in common, an alert.
         */
        TLS_HANDSHAKE,
        /** The TLS handshake did not finish within {@link ClientTls#handshakeTimeout()}. */
        HANDSHAKE_TIMEOUT,
        /**
         * The connection ended without TLS close_notify before the response was complete: it may
         * have been cut short on purpose (a truncation attack, RFC 8446 §6.1), so it is not taken.
         */
        TRUNCATED,
        /** TLS failed after the handshake: a bad record, an alert from the server. */
        TLS
    }

    /** What went wrong. */
    private final Kind kind;
    private final transient URI uri;
    /** What went wrong and where, without the request in front (see {@link #reason()}). */
    private final String reason;

    HttpClientException(Kind kind, String method, URI uri, String what, Throwable cause) {
        super(method + " " + uri + ": " + what, cause);
        this.kind = kind;
        this.uri = uri;
        this.reason = what;
    }

    /** What happened, without the request in front: {@code "no response head within 200 ms ..."}. */
    public String reason() {
        return reason;
    }

    /** What went wrong. */
    public Kind kind() {
        return kind;
    }

    /** The URL the failing request was sent to (after any redirects). */
    public URI uri() {
        return uri;
    }
}
