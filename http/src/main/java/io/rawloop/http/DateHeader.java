package io.rawloop.http;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code Date} field line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once a second:
 * every response in the same second shares the same bytes. Thread-safe: one immutable snapshot
 * behind a volatile reference.
 */
public final class DateHeader {

    private record Snapshot(long second, byte[] line) {
    }

    /** IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", always in English and in GMT. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static volatile Snapshot current = new Snapshot(Long.MIN_VALUE, new byte[0]);

    private DateHeader() {
    }

    /** "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n" for the second containing {@code epochMillis}. */
    public static byte[] line(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Snapshot s = current;
        if (s.second != second) {
            String value = IMF_FIXDATE.format(Instant.ofEpochSecond(second));
            s = new Snapshot(second, ("Date: " + value + "\r\n").getBytes(StandardCharsets.US_ASCII));
            current = s;
        }
        return s.line;
    }

    /** The line for now. */
    public static byte[] now() {
        return line(System.currentTimeMillis());
    }
}
