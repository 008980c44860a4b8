package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TlsEngines;
import io.rawloop.loop.TlsHandshakeTimeoutException;
import io.rawloop.loop.TlsTruncationException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS failure under an exchange, in words that say what failed: the JDK's own reasons are
 * there, but in a cause three levels down ("PKIX path building failed: ... unable to find valid
 * certification path to requested target" means "no CA we trust signed it").
 */
final class TlsFailure {

    private TlsFailure() {
    }

    /** The {@link HttpClientException} for {@code e}'s connection ending with {@code cause}. */
    static HttpClientException of(Exchange e, SSLException cause, String progress) {
        return of(e.request, cause, progress);
    }

    /** The same, for {@code request}'s connection (the blocking client's too). */
    static HttpClientException of(HttpRequest request, SSLException cause, String progress) {
        return of(request.method(), request.uri(), request.host(), request.port(), cause, progress);
    }

    /** The same, for a request to {@code host:port} that is not an HttpRequest (a WebSocket's handshake). */
    static HttpClientException of(String method, java.net.URI uri, String host, int port, SSLException cause,
                                  String progress) {
        Failures e = (kind, what, c) -> new HttpClientException(kind, method, uri, what, c);
        String server = host + ":" + port;
        if (cause instanceof TlsHandshakeTimeoutException) {
            return e.failure(Kind.HANDSHAKE_TIMEOUT, IoErrors.reason(cause) + " with " + server
                    + " (handshake timeout)", cause);
        }
        if (cause instanceof TlsTruncationException) {
            return e.failure(Kind.TRUNCATED, "the connection ended without TLS close_notify " + progress
                    + ": the response may be cut short (truncated)", cause);
        }
        if (cause instanceof SSLHandshakeException) {
            return e.failure(Kind.TLS_HANDSHAKE, "TLS handshake with " + server + " failed: " + why(host, cause), cause);
        }
        return e.failure(Kind.TLS, "TLS with " + server + " failed " + progress + ": " + IoErrors.reason(cause), cause);
    }

    /** What the handshake's failure means, with the JDK's words after it. */
    private static String why(String host, SSLException cause) {
        String all = reasons(cause);
        // The PKIX validator checks dates before it looks for a trusted CA, and wraps the
        // CertificateExpiredException in a CertPathValidatorException ("validity check failed"):
        // asked first, or an expired certificate would be called untrusted (RFC 5280 §6.1.3).
        if (has(cause, CertificateExpiredException.class)) {
            return "the server's certificate has expired (" + all + ")";
        }
        if (has(cause, CertificateNotYetValidException.class)) {
            return "the server's certificate is not valid yet: its notBefore is in the future (" + all + ")";
        }
        if (all.contains("unable to find valid certification path") || all.contains("PKIX path")
                || has(cause, CertPathValidatorException.class) && !all.contains("No subject alternative")) {
            return "the server's certificate is not signed by a CA we trust, or is self-signed (" + all + ")";
        }
        if (all.contains("No subject alternative") || all.contains("No name matching")) {
            return "the server's certificate is not for " + host + " (" + all + ")";
        }
        if (all.contains("protocol_version") || all.contains("No appropriate protocol")) {
            return "no TLS version in common: we speak " + String.join(" and ", TlsEngines.PROTOCOLS) + " (" + all + ")";
        }
        if (has(cause, CertificateException.class)) {
            return "the server's certificate was refused (" + all + ")";
        }
        return all;
    }

    /** How a failure is made: as {@link Exchange#failure}. */
    private interface Failures {
        HttpClientException failure(Kind kind, String what, Throwable cause);
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The messages of {@code e} and its causes, each once. */
    private static String reasons(Throwable e) {
        StringBuilder words = new StringBuilder(IoErrors.reason(e));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !words.toString().contains(c.getMessage())) {
                words.append(": ").append(c.getMessage());
            }
        }
        return words.toString();
    }
}
