package io.rawloop.http;

import java.nio.charset.StandardCharsets;

/** The request line and the status line (RFC 9112 §3 and §4), read from a complete head. */
final class StartLine {

    /** Methods shared rather than allocated per request. */
    private static final String[] KNOWN_METHODS =
            {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"};

    private StartLine() {
    }

    static String method(byte[] head, int end, long base) throws HttpException {
        if (end == 0) {
            throw new HttpException(400, "empty method", base);
        }
        for (int i = 0; i < end; i++) {
            if (!Ascii.isTokenChar(head[i])) {
                throw new HttpException(400, "invalid character in the method", base + i);
            }
        }
        if (end == 3 && head[0] == 'G' && head[1] == 'E' && head[2] == 'T') {
            return "GET";   // most requests: no loop
        }
        for (String known : KNOWN_METHODS) {
            if (known.length() == end && equals(head, 0, known)) {
                return known;
            }
        }
        return new String(head, 0, end, StandardCharsets.US_ASCII);
    }

    /**
     * The request-target; {@code previous} (the connection's last one, or null) is returned again
     * when the bytes spell it, and else the one {@code recent} (the thread's table, or null) has.
     * A keep-alive client mostly asks for the same path again (a browser's polling, a load
     * balancer's health check, wrk), and a String is immutable: this is the one allocation of a
     * request that a connection can share between requests.
     */
    static String target(byte[] head, int start, int end, long base, String previous, RecentTargets recent)
            throws HttpException {
        if (start == end) {
            throw new HttpException(400, "empty request-target", base + start);
        }
        // The scanner refused controls and DEL, and the target was cut at spaces: what is left
        // to refuse is a byte above 0x7E, found eight at a time.
        int bad = Swar.indexOfNonAscii(head, start, end);
        if (bad < end) {
            throw new HttpException(400, "invalid character 0x" + Integer.toHexString(head[bad] & 0xFF)
                    + " in the request-target", base + bad);
        }
        if (previous != null && previous.length() == end - start && equals(head, start, previous)) {
            return previous;
        }
        return recent != null ? recent.of(head, start, end) : new String(head, start, end - start, StandardCharsets.US_ASCII);
    }

    /**
     * "HTTP/1.0", or "HTTP/1.1" for any higher minor version (RFC 9110 §2.5: a message of a higher
     * minor version is processed as the highest one we implement); another major version is 505,
     * anything else 400.
     */
    static HttpVersion version(byte[] head, int start, int end, long base) throws HttpException {
        if (end - start != 8 || !equals(head, start, "HTTP/") || head[start + 6] != '.'
                || !isDigit(head[start + 5]) || !isDigit(head[start + 7])) {
            throw new HttpException(400, "malformed HTTP version (expected HTTP/1.1 or HTTP/1.0)", base + start);
        }
        if (head[start + 5] == '1') {
            return head[start + 7] == '0' ? HttpVersion.HTTP_1_0 : HttpVersion.HTTP_1_1;
        }
        // RFC 9110 §15.6.6: the 505 says why, and which versions are supported.
        throw new HttpException(505, "HTTP version " + (char) head[start + 5] + "." + (char) head[start + 7]
                + " is not supported: only HTTP/1.1 and HTTP/1.0 are", base + start);
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean equals(byte[] data, int at, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (data[at + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
