package io.rawloop.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Bytes written to a connection and not yet accepted by the kernel, in order, with their total:
 * buffers, and regions of files that go out with zero-copy {@code transferTo}.
 * {@link #writeTo} hands up to {@value #MAX_GATHER} buffers to one gathering write
 * ({@code writev(2)}), so a response's head and body, or several pipelined responses, leave in
 * one system call.
 *
 * <p>It is the write half of a {@link TcpConnection}. A write only queues; the first write of a
 * turn queues a flush for the next turn, so everything written during one turn (say, the answers
 * to a batch of pipelined requests) leaves in one gathering write; a write that brings the queue
 * to the high watermark flushes at once. OP_WRITE is registered only while bytes are left over.
 *
 * <p>It also keeps what is judged on those bytes: the watermarks that say when the connection
 * is {@linkplain #isBlocked() blocked} (reading pauses at the high one and resumes at the low one),
 * the count of bytes the kernel has taken, and the {@link #drained} promises of callers waiting
 * for the queue to empty.
 *
 * <p>SIMPLIFICATION: heap buffers are copied by the JDK into a per-thread direct buffer before
 * the system call. Netty pools direct buffers to skip that copy; here clarity wins, and the
 * echo benchmark in {@code compare} measures what it costs.
 */
final class OutgoingQueue implements Runnable, ByteSink {

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

    /**
     * ByteBuffers and FileRegions, in the order they were written; sized for a few (the default,
     * 16, would hold 88 bytes on every idle connection).
     */
    private final ArrayDeque<Object> parts = new ArrayDeque<>(2);
    private final EventLoop loop;
    private final TcpConnection owner;
    private boolean flushQueued;
    private long bytes;
    private long written;
    private int highWatermark = TcpConnection.DEFAULT_HIGH_WATERMARK;
    private int lowWatermark = TcpConnection.DEFAULT_LOW_WATERMARK;
    private boolean blocked;
    /** The promises {@link #drained} handed out, settled once the queue is empty (or closed). */
    private DrainWaiters drainWaiters;

    /** The loop keeps the total of every queue's buffered bytes ({@link LoopStats#queuedBytes()}). */
    OutgoingQueue(TcpConnection owner) {
        this.owner = owner;
        this.loop = owner.loop;
    }

    // region flushing
    /** Queues {@code data}; it leaves in this turn's flush, or at once at the high watermark. */
    @Override
    public void write(ByteBuffer data) {
        add(data);
        if (atHighWatermark()) {
            // Do not wait for the next turn: the kernel may take it all now. Backpressure is
            // judged on what it refuses, never on bytes it was not yet offered.
            flush();
        } else {
            queueFlush();
        }
    }

    /**
     * Sends {@code data} now if nothing is queued ahead of it, and queues a copy of what the
     * kernel does not take: the buffer stays the caller's. For a caller that has gathered a
     * turn's bytes in a buffer it reuses (the server's batch of answers), so that bytes the kernel
     * takes at once are never copied into an array of their own.
     */
    @Override
    public void writeBorrowed(ByteBuffer data) {
        if (parts.isEmpty() && owner.mayFlush()) {
            try {
                written += owner.channel.write(data);
            } catch (IOException e) {
                owner.closeNow(owner.ioError("write to", e));
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        write(ByteBuffer.allocate(data.remaining()).put(data).flip());
    }

    /** Queues a region of a file, sent with zero-copy {@code transferTo} in this turn's flush. */
    @Override
    public void writeFile(FileChannel file, long position, long count) {
        add(file, position, count);
        queueFlush();
    }

    /** The first write of a turn queues one flush for the next turn; later writes join it. */
    private void queueFlush() {
        if (!flushQueued) {
            flushQueued = true;
            loop.enqueue(this);   // run() below: the queue is its own flush task, no object per connection
        }
    }

    /** The flush queued by the first write of a turn. */
    @Override
    public void run() {
        flushQueued = false;
        flush();
    }

    /** Writes what the kernel takes; OP_WRITE stays on while bytes are left over. */
    void flush() {
        if (!owner.mayFlush()) {
            return;
        }
        try {
            writeTo(owner.channel);
        } catch (IOException e) {
            owner.closeNow(owner.ioError("write to", e));
            return;
        }
        boolean empty = isEmpty();
        owner.interest(SelectionKey.OP_WRITE, !empty);
        if (updateBlocked()) {
            owner.writabilityChanged();
        }
        if (empty) {
            settleDrainWaiters(null);
            owner.writesDrained();
        }
    }
    // endregion flushing

    private void add(ByteBuffer buffer) {
        parts.add(buffer);
        bytes += buffer.remaining();
        loop.figures.queuedBytes += buffer.remaining();
    }

    private void add(FileChannel file, long position, long count) {
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

    /** Bytes the kernel has taken so far. */
    long written() {
        return written;
    }

    // region watermarks
    /** See {@link TcpConnection#setWatermarks}. */
    void setWatermarks(int low, int high) {
        if (low < 0 || high <= low) {
            throw new IllegalArgumentException("need 0 <= low < high, got low=" + low + " high=" + high);
        }
        this.lowWatermark = low;
        this.highWatermark = high;
        if (updateBlocked()) {
            owner.writabilityChanged();
        }
    }

    /** True once the pending bytes reach the high watermark, until they fall to the low one. */
    boolean isBlocked() {
        return blocked;
    }

    /** True if {@code bytes} are at the high watermark: worth flushing now rather than next turn. */
    private boolean atHighWatermark() {
        return bytes >= highWatermark;
    }

    /** Re-judges {@link #isBlocked()} on the pending bytes; true if it changed. */
    private boolean updateBlocked() {
        if (!blocked && bytes >= highWatermark) {
            blocked = true;
            return true;
        }
        if (blocked && bytes <= lowWatermark) {
            blocked = false;
            return true;
        }
        return false;
    }
    // endregion watermarks

    /**
     * A promise that completes once the queue is empty, and fails if it is cleared first (the
     * connection closed): see {@link TcpConnection#drained()}. Each call that must wait gets its own promise.
     */
    Promise<Void> drained(boolean closed) {
        if (parts.isEmpty() || closed) {
            return loop.selector.alreadyDrained();
        }
        if (drainWaiters == null) {
            drainWaiters = new DrainWaiters();   // most connections never wait: made when needed
        }
        return drainWaiters.add(loop);
    }

    /** Settles every {@link #drained} promise: with success, or with {@code failure}. */
    void settleDrainWaiters(Throwable failure) {
        if (drainWaiters != null) {
            drainWaiters.settle(failure);
        }
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
            this.written += written;
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
