package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each limit of HttpLimits.DEFAULT at exactly its boundary: the limit passes, one more is refused. */
class LimitsTest {

    private static final HttpLimits LIMITS = HttpLimits.DEFAULT;

    private static int verdict(String request) {
        return SmugglingVectorsTest.verdict(request.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    @Test
    void requestLineOf8KiBPassesAndOneByteMoreIs414() {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        String exact = prefix + "a".repeat(LIMITS.maxStartLine() - prefix.length() - suffix.length()) + suffix;
        assertEquals(LIMITS.maxStartLine(), exact.length());
        assertEquals(0, verdict(exact + "\r\nHost: a\r\n\r\n"));
        String over = prefix + "a".repeat(LIMITS.maxStartLine() - prefix.length() - suffix.length() + 1) + suffix;
        assertEquals(414, verdict(over + "\r\nHost: a\r\n\r\n"));
    }

    @Test
    void headerSectionOf16KiBPassesAndOneByteMoreIs431() {
        String line = "GET / HTTP/1.1\r\n";
        String host = "Host: a\r\n";
        // The section counts its field lines with their CRLFs; the final empty line is not counted.
        int room = LIMITS.maxHeaderBytes() - host.length() - "X: \r\n".length();
        assertEquals(0, verdict(line + host + "X: " + "v".repeat(room) + "\r\n\r\n"));
        assertEquals(431, verdict(line + host + "X: " + "v".repeat(room + 1) + "\r\n\r\n"));
    }

    @Test
    void aHundredFieldsPassAndTheHundredAndFirstIs431() {
        StringBuilder fields = new StringBuilder("Host: a\r\n");
        for (int i = 1; i < LIMITS.maxHeaderCount(); i++) {
            fields.append("X").append(i).append(": v\r\n");
        }
        assertEquals(0, verdict("GET / HTTP/1.1\r\n" + fields + "\r\n"));
        assertEquals(431, verdict("GET / HTTP/1.1\r\n" + fields + "Y: v\r\n\r\n"));
    }

    @Test
    void aBodyOf10MiBPassesAndOneByteMoreIs413() {
        long max = LIMITS.maxBody();
        String head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: ";
        assertEquals(0, verdict(head + max + "\r\n\r\n" + "x".repeat((int) max)));
        assertEquals(413, verdict(head + (max + 1) + "\r\n\r\n"));
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertEquals(0, verdict(chunked + Long.toHexString(max) + "\r\n" + "x".repeat((int) max) + "\r\n0\r\n\r\n"));
        assertEquals(413, verdict(chunked + Long.toHexString(max) + "\r\n" + "x".repeat((int) max) + "\r\n1\r\n"));
    }
}
