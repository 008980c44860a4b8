package io.rawloop.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Bytes written to a connection and not yet accepted by the kernel, in order, with their total:
 * buffers, and regions of files that go out with zero-copy {@code transferTo}.
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

    /**
     * A part of a file to send with {@code FileChannel.transferTo} (sendfile(2) on Linux): the
     * bytes go from the page cache to the socket without passing through the Java heap. The queue
     * owns the channel and closes it once sent, or when the queue is cleared.
     */
    private static final class FileRegion {
        final FileChannel file;
        long position;
        long remaining;

        FileRegion(FileChannel file, long position, long count) {
            this.file = file;
            this.position = position;
            this.remaining = count;
        }

        void close() {
            IoErrors.closeQuietly(file);
        }
    }

    /** ByteBuffers and FileRegions, in the order they were written. */
    private final ArrayDeque<Object> parts = new ArrayDeque<>();
    private final EventLoop loop;
    private long bytes;

    /** {@code loop} keeps the total of every queue's buffered bytes ({@link LoopStats#queuedBytes()}). */
    OutgoingQueue(EventLoop loop) {
        this.loop = loop;
    }

    void add(ByteBuffer buffer) {
        parts.add(buffer);
        bytes += buffer.remaining();
        loop.figures.queuedBytes += buffer.remaining();
    }

    void add(FileChannel file, long position, long count) {
        parts.add(new FileRegion(file, position, count));
        bytes += count;
    }

    boolean isEmpty() {
        return parts.isEmpty();
    }

    /** Bytes waiting. */
    long bytes() {
        return bytes;
    }

    /** Writes as much as the channel takes now; returns the bytes written. */
    long writeTo(GatheringByteChannel channel) throws IOException {
        ByteBuffer[] batch = loop.selector.gatherBatch;   // one per loop: used only within this call
        long total = 0;
        while (!parts.isEmpty()) {
            long written;
            boolean complete;
            if (parts.peek() instanceof FileRegion region) {
                written = region.file.transferTo(region.position, region.remaining, channel);
                region.position += written;
                region.remaining -= written;
                complete = region.remaining == 0;
                if (!complete && region.file.size() <= region.position) {
                    // transferTo returns 0 at the end of the file just as it does for a full
                    // socket: without this check OP_WRITE would fire forever (a busy loop) for a
                    // file cut short after its length was promised in a Content-Length.
                    throw new IOException("the file shrank while it was sent: " + region.remaining
                            + " of its promised bytes are gone");
                }
                if (complete) {
                    parts.poll();
                    region.close();
                }
            } else {
                int n = 0;
                long wanted = 0;
                for (Object part : parts) {
                    if (!(part instanceof ByteBuffer b) || n == MAX_GATHER) {
                        break;
                    }
                    batch[n++] = b;
                    wanted += b.remaining();
                }
                try {
                    written = n == 1 ? channel.write(batch[0]) : channel.write(batch, 0, n);
                } finally {
                    Arrays.fill(batch, 0, n, null);
                }
                while (!parts.isEmpty() && parts.peek() instanceof ByteBuffer b && !b.hasRemaining()) {
                    parts.poll();
                }
                complete = written == wanted;
                loop.figures.queuedBytes -= written;
            }
            total += written;
            bytes -= written;
            if (!complete) {
                break;   // the socket's send buffer is full: wait for OP_WRITE
            }
        }
        return total;
    }

    void clear() {
        for (Object part : parts) {
            if (part instanceof FileRegion region) {
                region.close();
            } else if (part instanceof ByteBuffer b) {
                loop.figures.queuedBytes -= b.remaining();
            }
        }
        parts.clear();
        bytes = 0;
    }
}
