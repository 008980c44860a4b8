package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * What can be known from the TLS record layer without decrypting anything: the 5-byte header of
 * every record, and whether the first bytes of a connection are TLS at all.
 *
 * <p>Every TLS record, in 1.2 and in 1.3, starts with the same header (RFC 8446 §5.1, RFC 5246
 * §6.2.1):
 * <pre>
 *   byte 0     content type: 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data,
 *              24 heartbeat (RFC 6520)
 *   bytes 1-2  legacy record version: major 3, minor 1 to 4 (0x0301 in a first ClientHello)
 *   bytes 3-4  length of what follows, big-endian
 * </pre>
 * {@link TlsLayer} reads the length so that it hands {@code SSLEngine.unwrap} only whole records:
 * an unwrap on half a record does nothing but answer BUFFER_UNDERFLOW.
 */
public final class TlsRecords {

    /** Bytes in a record header. */
    static final int HEADER_LENGTH = 5;
    /** What {@link #firstRecordLength} returns when the header cannot be a TLS record's. */
    static final int NOT_A_RECORD = -1;
    /** The handshake content type: a connection's first record, the ClientHello, is one. */
    private static final int HANDSHAKE = 22;
    /** Longer than any registered method (UPDATEREDIRECTREF has 17 letters): past it, not HTTP. */
    private static final int LONGEST_METHOD = 24;

    private TlsRecords() {
    }

    /** What the first bytes a server receives say about the protocol the client speaks. */
    public enum Opening {
        /** A TLS handshake record (0x16 0x03): a ClientHello is arriving. */
        TLS,
        /**
         * A method and a space ({@code GET }): a plain HTTP request sent to a TLS port. nginx
         * answers it with {@code 400 The plain HTTP request was sent to HTTPS port}, in plain
         * text, and so may a server that sees this.
         */
        PLAIN_HTTP,
        /** Neither: garbage, or an SSLv2-style hello (high bit set), which no supported TLS sends. */
        UNKNOWN,
        /** Too few bytes to tell: none, just 0x16, or the start of what may be a method. */
        NEED_MORE
    }

    // region classify
    /**
     * Tells a TLS ClientHello from a plain HTTP request by the first bytes of a connection, from
     * {@code firstBytes}' position (which is not moved). A record's first byte is a content type,
     * 20 to 24, and a handshake record's second byte is the major version, 3. A request line
     * starts with its method, a token, then a space (RFC 9112 §3); every method in use starts
     * with a letter, and no letter is a content type.
     */
    public static Opening classify(ByteBuffer firstBytes) {
        int at = firstBytes.position();
        int end = firstBytes.limit();
        if (at == end) {
            return Opening.NEED_MORE;
        }
        int first = firstBytes.get(at) & 0xFF;
        if (first == HANDSHAKE) {
            return end - at < 2 ? Opening.NEED_MORE : firstBytes.get(at + 1) == 3 ? Opening.TLS : Opening.UNKNOWN;
        }
        if (!isLetter(first)) {
            return Opening.UNKNOWN;
        }
        for (int i = at + 1; i < end && i - at <= LONGEST_METHOD; i++) {
            int b = firstBytes.get(i) & 0xFF;
            if (b == ' ') {
                return Opening.PLAIN_HTTP;
            }
            if (!isTokenCharacter(b)) {
                return Opening.UNKNOWN;
            }
        }
        return end - at <= LONGEST_METHOD ? Opening.NEED_MORE : Opening.UNKNOWN;
    }

    private static boolean isLetter(int b) {
        return b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z';
    }

    /** tchar, RFC 9110 §5.6.2: the characters of a token, such as a method. */
    private static boolean isTokenCharacter(int b) {
        return isLetter(b) || b >= '0' && b <= '9' || "!#$%&'*+-.^_`|~".indexOf(b) >= 0;
    }
    // endregion classify

    // region firstRecordLength
    /**
     * The length, header included, of the first record in {@code buffer}'s bytes 0 to position
     * (a buffer being filled); 0 while fewer than {@value #HEADER_LENGTH} bytes are there, and
     * {@link #NOT_A_RECORD} when the header has a content type or version no TLS record has.
     * A length beyond what TLS allows is returned as it is: the engine refuses it itself, with a
     * record_overflow alert (RFC 8446 §5.2).
     */
    static int firstRecordLength(ByteBuffer buffer) {
        if (buffer.position() < HEADER_LENGTH) {
            return 0;
        }
        int type = buffer.get(0) & 0xFF;
        int major = buffer.get(1) & 0xFF;
        if (type < 20 || type > 24 || major != 3) {
            return NOT_A_RECORD;
        }
        int length = (buffer.get(3) & 0xFF) << 8 | buffer.get(4) & 0xFF;
        return HEADER_LENGTH + length;
    }
    // endregion firstRecordLength

    /**
     * The first bytes (at most 16) of {@code buffer}'s bytes 0 to position, as hex and as text, for an
     * error message: {@code 47 45 54 20 2f ("GET /")}.
     */
    static String describeStart(ByteBuffer buffer) {
        int n = Math.min(buffer.position(), 16);
        StringBuilder hex = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int b = buffer.get(i) & 0xFF;
            hex.append(i == 0 ? "" : " ").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xF, 16));
            text.append(b >= 0x20 && b < 0x7F ? (char) b : '.');
        }
        return hex + " (\"" + text + "\")";
    }
}
