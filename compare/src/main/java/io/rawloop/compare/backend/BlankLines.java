package io.rawloop.compare.backend;

import java.nio.ByteBuffer;

/**
 * Counts the blank lines ({@code \r\n\r\n}, the end of a request head) in a stream of bytes that
 * arrives in pieces, wherever a piece boundary falls: the only state carried from one piece to the
 * next is how much of {@code \r\n\r\n} the bytes so far end with. This is all {@code nio-floor}
 * knows of HTTP.
 */
final class BlankLines {

    /** How many bytes of {@code \r\n\r\n} the bytes seen so far end with: 0 to 3. */
    private int matched;

    /** The blank lines that end in {@code bytes} (position to limit, which are left as they are). */
    int count(ByteBuffer bytes) {
        int found = 0;
        int m = matched;
        for (int i = bytes.position(), end = bytes.limit(); i < end; i++) {
            byte b = bytes.get(i);
            if (b == '\r') {
                m = m == 2 ? 3 : 1;   // "\r\n" + '\r' goes on; any other '\r' may start one
            } else if (b == '\n' && (m == 1 || m == 3)) {
                if (m == 3) {
                    found++;
                    m = 0;
                } else {
                    m = 2;
                }
            } else {
                m = 0;
            }
        }
        matched = m;
        return found;
    }
}
