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

    /** Queues {@code count} bytes of {@code file} from {@code position}; the sink closes the file. */
    void writeFile(FileChannel file, long position, long count);
}
