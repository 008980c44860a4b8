package io.rawloop.compare.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link BlankLines} finds each {@code \r\n\r\n} once, wherever the stream is cut, and nothing that only looks like one. */
class BlankLinesTest {

    /** Four heads, with near misses ("\r\n\n", "\r\r\n", "\n\r\n") before their real ends. */
    private static final byte[] STREAM = ("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /b HTTP/1.1\r\nX: \r\n\nHost: x\r\n\r\n"
            + "GET /c HTTP/1.1\r\r\n\n\r\nHost: x\r\n\r\n"
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    @Test
    void wholeStreamAtOnce() {
        assertEquals(4, new BlankLines().count(ByteBuffer.wrap(STREAM)));
    }

    @Test
    void cutAtEveryPairOfPlaces() {
        for (int i = 0; i <= STREAM.length; i++) {
            for (int j = i; j <= STREAM.length; j++) {
                BlankLines b = new BlankLines();
                int found = b.count(ByteBuffer.wrap(STREAM, 0, i)) + b.count(ByteBuffer.wrap(STREAM, i, j - i))
                        + b.count(ByteBuffer.wrap(STREAM, j, STREAM.length - j));
                assertEquals(4, found, "cut at " + i + " and " + j);
            }
        }
    }

    @Test
    void oneByteAtATime() {
        BlankLines b = new BlankLines();
        int found = 0;
        for (int i = 0; i < STREAM.length; i++) {
            found += b.count(ByteBuffer.wrap(STREAM, i, 1));
        }
        assertEquals(4, found);
    }

    @Test
    void leavesTheBufferAsItWas() {
        ByteBuffer bytes = ByteBuffer.wrap(STREAM, 3, 20);
        new BlankLines().count(bytes);
        assertEquals(3, bytes.position());
        assertEquals(23, bytes.limit());
    }
}
