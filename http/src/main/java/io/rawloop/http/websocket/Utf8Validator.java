package io.rawloop.http.websocket;

import java.nio.ByteBuffer;

/**
 * Checks UTF-8 as it arrives, across frames and reads, and fails on the first byte that no
 * well-formed text could continue with (RFC 6455 §8.1: "fail the connection" at once, not at
 * the end of a message that may never end). Well-formed is RFC 3629's: no overlong forms, no
 * surrogates (U+D800-DFFF), nothing above U+10FFFF.
 */
final class Utf8Validator {

    /** Continuation bytes still owed by the sequence under way. */
    private int needed;
    /** The range the next continuation byte must fall in: narrower after E0, ED, F0, F4. */
    private int lower = 0x80;
    private int upper = 0xBF;
    /** Bytes checked since {@link #reset()}, for the error's offset. */
    private long offset;

    /** Starts a new text. */
    void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
        offset = 0;
    }

    /** Checks {@code length} bytes of {@code in} from index {@code from} (its position stays). */
    void feed(ByteBuffer in, int from, int length) throws WebSocketException {
        for (int i = from, end = from + length; i < end; i++, offset++) {
            int b = in.get(i) & 0xFF;
            if (needed == 0) {
                if (b < 0x80) {
                    continue;
                }
                if (b >= 0xC2 && b <= 0xDF) {
                    needed = 1;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    needed = 2;
                    lower = b == 0xE0 ? 0xA0 : 0x80;   // E0 80-9F would be overlong
                    upper = b == 0xED ? 0x9F : 0xBF;   // ED A0-BF would be a surrogate
                } else if (b >= 0xF0 && b <= 0xF4) {
                    needed = 3;
                    lower = b == 0xF0 ? 0x90 : 0x80;   // F0 80-8F would be overlong
                    upper = b == 0xF4 ? 0x8F : 0xBF;   // F4 90 and above is past U+10FFFF
                } else {
                    throw invalid(b);   // 80-C1 cannot start a sequence; F5-FF never appear
                }
            } else if (b < lower || b > upper) {
                throw invalid(b);
            } else {
                lower = 0x80;
                upper = 0xBF;
                needed--;
            }
        }
    }

    /** True if the text so far ends on a character boundary: the end of a message may come here. */
    boolean complete() {
        return needed == 0;
    }

    private WebSocketException invalid(int b) {
        return new WebSocketException(CloseCodes.INVALID_PAYLOAD,
                String.format("invalid UTF-8: byte 0x%02X at offset %d of the text", b, offset));
    }
}
