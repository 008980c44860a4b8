package io.rawloop.http;

/**
 * A parsed status line and header section.
 *
 * @param version       HTTP/1.0 or HTTP/1.1
 * @param status        the three-digit status code
 * @param reason        the reason phrase (may be empty; clients ignore it, RFC 9112 §4)
 * @param headers       the header fields, in order
 * @param framing       how the body is delimited
 * @param contentLength the body length for {@link BodyFraming#LENGTH}, else -1
 */
public record ResponseHead(HttpVersion version, int status, String reason, Headers headers,
                           BodyFraming framing, long contentLength) {

    /** Whether the connection may be reused after this response (RFC 9112 §9.3). */
    public boolean keepAlive() {
        if (framing == BodyFraming.CLOSE || headers.hasToken("Connection", "close")) {
            return false;
        }
        if (version == HttpVersion.HTTP_1_0 && headers.contains("Transfer-Encoding")) {
            return false;   // RFC 9112 §6.1: faulty framing; close after it
        }
        return version == HttpVersion.HTTP_1_1 || headers.hasToken("Connection", "keep-alive");
    }
}
