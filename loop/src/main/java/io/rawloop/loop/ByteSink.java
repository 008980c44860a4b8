package io.rawloop.loop;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where a {@link TcpConnection}'s writes go: straight to its write half ({@link OutgoingQueue}),
 * or, with TLS on, to the {@link TlsWire} that encrypts them first. Both own what they are given.
 */
interface ByteSink {

    /** Queues {@code data}, which belongs to the sink now. */
    void write(ByteBuffer data);

    /**
     * Sends or queues {@code data}, which stays the caller's: see {@link TcpConnection#writeBorrowed}.
     * By default a copy is written; the write half sends it without one when nothing is queued.
     */
    default void writeBorrowed(ByteBuffer data) {
        write(ByteBuffer.allocate(data.remaining()).put(data).flip());
    }

    /** Queues {@code count} bytes of {@code file} from {@code position}; the sink closes the file. */
    void writeFile(FileChannel file, long position, long count);
}
