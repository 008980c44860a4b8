package io.rawloop.loop;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What a {@link TlsWire} was asked to write while a file is still being read: file regions, and
 * the buffers written after them, in order. A file cannot go through TLS with zero-copy
 * sendfile(2): each piece must be read into the heap and encrypted. Read all at once, a large
 * file would sit whole in memory; so it is read a piece at a time, as the connection's write half
 * takes the records, and memory stays within the watermarks plus one budget.
 */
final class TlsFileFeed {

    /** Plaintext read and handed on per {@link #feed} call: four full TLS records (RFC 8446 §5.1). */
    static final int BUDGET = 64 * 1024;

    /** A region of a file still to read; the feed owns the channel and closes it. */
    private static final class FilePart {
        final FileChannel file;
        long position;
        final long end;

        FilePart(FileChannel file, long position, long count) {
            this.file = file;
            this.position = position;
            this.end = position + count;
        }
    }

    /** ByteBuffers and FileParts, in the order they were written. */
    private final ArrayDeque<Object> parts = new ArrayDeque<>();

    boolean isEmpty() {
        return parts.isEmpty();
    }

    void add(ByteBuffer data) {
        parts.add(data);
    }

    void add(FileChannel file, long position, long count) {
        parts.add(new FilePart(file, position, count));
    }

    /**
     * Hands on at most {@link #BUDGET} bytes, in order, to {@code out}: buffers as they are, files
     * read in pieces. A file that has been read is closed.
     *
     * @throws IOException if a file cannot be read, or ends before its region does
     */
    void feed(Consumer<ByteBuffer> out) throws IOException {
        int budget = BUDGET;
        while (budget > 0 && !parts.isEmpty()) {
            Object head = parts.peek();
            if (head instanceof ByteBuffer data) {
                parts.poll();
                budget -= data.remaining();
                out.accept(data);
                continue;
            }
            FilePart part = (FilePart) head;
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(budget, part.end - part.position));
            while (chunk.hasRemaining()) {
                int n = part.file.read(chunk, part.position);
                if (n < 0) {
                    throw new IOException("the file ended " + (part.end - part.position) + " bytes before its region");
                }
                part.position += n;
            }
            if (part.position == part.end) {
                parts.poll();
                IoErrors.closeQuietly(part.file);
            }
            budget -= chunk.position();
            out.accept(chunk.flip());
        }
    }

    /** Drops everything, closing the files: the connection closed. */
    void clear() {
        for (Object part : parts) {
            if (part instanceof FilePart file) {
                IoErrors.closeQuietly(file.file);
            }
        }
        parts.clear();
    }
}
