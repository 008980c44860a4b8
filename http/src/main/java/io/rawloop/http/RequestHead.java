package io.rawloop.http;

/**
 * A parsed request line and header section.
 *
 * @param method        the method, as sent (a token; the common ones are shared constants)
 * @param target        the request-target: origin-form ({@code /path?q}), absolute-form
 *                      ({@code http://host/path}), authority-form ({@code host:port}, CONNECT) or
 *                      asterisk-form ({@code *}, OPTIONS)
 * @param version       HTTP/1.0 or HTTP/1.1
 * @param headers       the header fields, in order
 * @param framing       how the body is delimited
 * @param contentLength the body length for {@link BodyFraming#LENGTH}, else -1
 */
public record RequestHead(String method, String target, HttpVersion version, Headers headers,
                          BodyFraming framing, long contentLength) {

    /**
     * Whether the connection stays open after this request: HTTP/1.1 unless it says
     * {@code Connection: close}; HTTP/1.0 only if it says {@code Connection: keep-alive}
     * (RFC 9112 §9.3).
     */
    public boolean keepAlive() {
        if (headers.hasToken("Connection", "close")) {
            return false;
        }
        return version == HttpVersion.HTTP_1_1 || headers.hasToken("Connection", "keep-alive");
    }

    /** True for {@code Expect: 100-continue} (RFC 9110 §10.1.1). */
    public boolean expectsContinue() {
        return headers.hasToken("Expect", "100-continue");
    }

    /**
     * The Host rules of RFC 9112 §3.2, which a server applies with a 400: null if they hold, else
     * what is wrong (an HTTP/1.1 request without Host, or any request with more than one).
     */
    public String hostProblem() {
        int hosts = headers.count("Host");
        if (hosts > 1) {
            return "more than one Host header";
        }
        if (hosts == 0 && version == HttpVersion.HTTP_1_1) {
            return "HTTP/1.1 request without a Host header";
        }
        return null;
    }
}
