package io.rawloop.server;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A request body as it arrives, piece by piece, in one growing array; made when a head announces
 * a body and dropped when the request is complete, so that a connection between requests holds
 * none. The size limit is the parser's (413 beyond {@code maxBody}), not this class's.
 */
final class BodyCollector {

    /** The first array is the declared length, up to this: a large Content-Length is not trusted with memory up front. */
    private static final int FIRST_MAX = 64 * 1024;
    private static final byte[] NONE = new byte[0];

    private byte[] bytes;
    private int length;

    /** For a body of {@code declaredLength} bytes (-1 when chunked: unknown). */
    BodyCollector(long declaredLength) {
        bytes = new byte[(int) Math.min(Math.max(declaredLength, 0), FIRST_MAX)];
    }

    /** Appends what {@code piece} holds (consuming it), growing the array by doubling. */
    void add(ByteBuffer piece) {
        int n = piece.remaining();
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(length + n, bytes.length * 2));
        }
        piece.get(bytes, length, n);
        length += n;
    }

    /** The body, exactly as long as what arrived. */
    byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }

    /** The body of a request that has none. */
    static byte[] none() {
        return NONE;
    }
}
