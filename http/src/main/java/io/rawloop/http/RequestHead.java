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
        if (version == HttpVersion.HTTP_1_0 && headers.contains("Transfer-Encoding")) {
            // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing: the
            // connection closes after it, whatever it asks for.
            return false;
        }
        return version == HttpVersion.HTTP_1_1 || headers.hasToken("Connection", "keep-alive");
    }

    /**
     * True for {@code Expect: 100-continue} (RFC 9110 §10.1.1) on an HTTP/1.1 request. An
     * HTTP/1.0 request's expectation is ignored: no 1xx may be sent to an HTTP/1.0 client (RFC
     * 9110 §15.2).
     */
    public boolean expectsContinue() {
        return version == HttpVersion.HTTP_1_1 && headers.hasToken("Expect", "100-continue");
    }

    /**
     * The Host rules of RFC 9112 §3.2, which a server applies with a 400: null if they hold, else
     * what is wrong (an HTTP/1.1 request without Host, any request with more than one, or a Host
     * value that is not {@code uri-host [ ":" port ]}).
     */
    public String hostProblem() {
        int host = headers.indexOf("Host", 0);
        if (host >= 0 && headers.indexOf("Host", host + 1) >= 0) {
            return "more than one Host header";
        }
        if (host < 0 && version == HttpVersion.HTTP_1_1) {
            return "HTTP/1.1 request without a Host header";
        }
        if (host >= 0 && !validHost(headers.bytes(), headers.valueStart(host), headers.valueEnd(host))) {
            return "invalid Host header value (expected host[:port])";
        }
        return null;
    }

    /**
     * RFC 9110 §7.2 with RFC 3986 §3.2.2: {@code uri-host [ ":" port ]}, where uri-host is an
     * IP-literal in brackets or a reg-name (IPv4 addresses are reg-names by their characters);
     * empty is allowed. Checked on the head's bytes, {@code [from, to)}: every request has a Host,
     * and a String for it would be made only to be looked at once.
     */
    static boolean validHost(byte[] b, int from, int to) {
        int i = from;
        if (to > from && b[from] == '[') {
            int close = from + 1;
            while (close < to && b[close] != ']') {
                close++;
            }
            if (close == to || close < from + 2) {
                return false;
            }
            for (i = from + 1; i < close; i++) {
                int c = b[i] & 0xFF;
                if (!regNameOctet(c) && c != ':') {
                    return false;
                }
            }
            i = close + 1;
        } else {
            for (; i < to && b[i] != ':'; i++) {
                int c = b[i] & 0xFF;
                if (c == '%') {
                    if (i + 2 >= to || Character.digit(b[i + 1], 16) < 0 || Character.digit(b[i + 2], 16) < 0) {
                        return false;
                    }
                    i += 2;
                } else if (!regNameOctet(c)) {
                    return false;
                }
            }
        }
        if (i == to) {
            return true;
        }
        if (b[i] != ':') {
            return false;
        }
        for (i++; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * The octets of a reg-name other than pct-encoded ones (RFC 3986 §3.2.2: unreserved and
     * sub-delims), made once from the two rules below: every request's Host is checked, and one
     * lookup per octet is cheaper than asking both rules.
     */
    private static final boolean[] REG_NAME = new boolean[128];

    static {
        for (char c = 0; c < REG_NAME.length; c++) {
            REG_NAME[c] = unreserved(c) || subDelim(c);
        }
    }

    private static boolean regNameOctet(int c) {
        return c < REG_NAME.length && REG_NAME[c];
    }

    private static boolean unreserved(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
                || c == '~';
    }

    private static boolean subDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }
}
