package io.rawloop.loop;

import java.nio.ByteBuffer;

/**
 * A TLS server's first bytes, gathered until they tell a TLS record from a plain HTTP request or
 * from anything else ({@link TlsRecords#classify}): a client that sends its ClientHello a byte at
 * a time is told apart as surely as one that sends it whole.
 */
final class TlsOpening {

    private ByteBuffer bytes;

    /** Adds what arrived; what the bytes so far are (NEED_MORE while too few to tell). */
    TlsRecords.Opening add(ByteBuffer data) {
        ByteBuffer all = ByteBuffer.allocate((bytes == null ? 0 : bytes.position()) + data.remaining());
        if (bytes != null) {
            all.put(bytes.flip());
        }
        bytes = all.put(data);
        return TlsRecords.classify(bytes.duplicate().flip());
    }

    /** The bytes gathered, as written (position at their end): for the message that names them. */
    ByteBuffer gathered() {
        return bytes;
    }

    /** Every byte gathered, ready to read; the opening is empty afterwards. */
    ByteBuffer take() {
        ByteBuffer all = bytes.flip();
        bytes = null;
        return all;
    }
}
