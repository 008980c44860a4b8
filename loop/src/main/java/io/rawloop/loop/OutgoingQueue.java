package io.rawloop.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Bytes written to a connection and not yet accepted by the kernel, in order, with their total.
 * {@link #writeTo} hands up to {@value #MAX_GATHER} buffers to one gathering write
 * ({@code writev(2)}), so a response's head and body, or several pipelined responses, leave in
 * one system call.
 *
 * <p>SIMPLIFICATION: heap buffers are copied by the JDK into a per-thread direct buffer before
 * the system call. Netty pools direct buffers to skip that copy; here clarity wins, and the
 * echo benchmark in {@code compare} measures what it costs.
 */
final class OutgoingQueue {

    /** Linux's IOV_MAX is 1024; a few dozen buffers per call already amortise the call. */
    static final int MAX_GATHER = 64;

    private final ArrayDeque<ByteBuffer> buffers = new ArrayDeque<>();
    private final ByteBuffer[] batch = new ByteBuffer[MAX_GATHER];
    private long bytes;

    void add(ByteBuffer buffer) {
        buffers.add(buffer);
        bytes += buffer.remaining();
    }

    boolean isEmpty() {
        return buffers.isEmpty();
    }

    /** Bytes waiting. */
    long bytes() {
        return bytes;
    }

    /** Writes as much as the channel takes now; returns the bytes written. */
    long writeTo(GatheringByteChannel channel) throws IOException {
        long total = 0;
        while (!buffers.isEmpty()) {
            int n = 0;
            for (ByteBuffer b : buffers) {
                batch[n++] = b;
                if (n == MAX_GATHER) {
                    break;
                }
            }
            long wanted = 0;
            for (int i = 0; i < n; i++) {
                wanted += batch[i].remaining();
            }
            long written;
            try {
                written = n == 1 ? channel.write(batch[0]) : channel.write(batch, 0, n);
            } finally {
                Arrays.fill(batch, 0, n, null);
            }
            total += written;
            bytes -= written;
            while (!buffers.isEmpty() && !buffers.peek().hasRemaining()) {
                buffers.poll();
            }
            if (written < wanted) {
                break;   // the socket's send buffer is full: wait for OP_WRITE
            }
        }
        return total;
    }

    void clear() {
        buffers.clear();
        bytes = 0;
    }
}
