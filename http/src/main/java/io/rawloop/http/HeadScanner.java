package io.rawloop.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Gathers a head (start line and header section), or a trailer section, from input that arrives
 * in any split, into one array; stops at the empty line that ends it.
 *
 * <p>Line endings are checked as the bytes pass (RFC 9112 §2.2): a CR must be followed by LF,
 * and a LF must follow a CR; bare ones are refused rather than guessed at, since two parsers
 * that guess differently are how request smuggling starts. Limits are checked as the bytes pass
 * too, so a client cannot make us hold more than the limit while we wait for the end.
 *
 * <p>Once complete, {@link #buffer()} holds the section with its CRLFs, and the parsers read it
 * as a whole: that is why every split of the input gives the same result.
 */
final class HeadScanner {

    private final int maxFirstLine;
    private final int maxSection;
    private final int firstLineStatus;
    private final boolean hasStartLine;
    private byte[] buffer = new byte[512];
    private int length;
    private int lineStart;
    private int lines;
    /** Where the start line ends (0 for a trailer section, or until it has ended). */
    private int firstLineEnd;
    private boolean afterCr;
    /** Set by a scan that reached the empty line. */
    private boolean complete;
    /** For direct buffers only: bytes are scanned from this heap copy, a slice at a time. */
    private byte[] scratch;

    /**
     * @param hasStartLine    false for a trailer section
     * @param firstLineStatus the status for an over-long start line (414 for requests)
     */
    HeadScanner(HttpLimits limits, boolean hasStartLine, int firstLineStatus) {
        this.maxFirstLine = limits.maxStartLine();
        this.maxSection = limits.maxHeaderBytes();
        this.firstLineStatus = firstLineStatus;
        this.hasStartLine = hasStartLine;
    }

    /**
     * Consumes bytes up to and including the empty line that ends the section.
     *
     * @param offset where {@code in}'s position is in the message, for error reports
     * @return true once the section is complete; false if all of {@code in} was consumed first
     */
    boolean scan(ByteBuffer in, long offset) throws HttpException {
        complete = false;
        if (in.hasArray()) {   // the common, hot case: read the heap array directly
            int base = in.arrayOffset();
            in.position(scan(in.array(), base + in.position(), base + in.limit(), offset) - base);
            return complete;
        }
        // A direct buffer: through a small reusable heap array, a slice at a time.
        if (scratch == null) {
            scratch = new byte[2048];
        }
        while (in.hasRemaining() && !complete) {
            int at = in.position();
            int n = Math.min(in.remaining(), scratch.length);
            in.get(at, scratch, 0, n);
            int stop = scan(scratch, 0, n, offset);
            in.position(at + stop);
            offset += stop;
        }
        return complete;
    }

    /** The scan itself, over {@code a[start, limit)}; returns where it stopped, sets {@link #complete}. */
    private int scan(byte[] a, int start, int limit, long offset) throws HttpException {
        int p = start;
        while (p < limit) {
            byte b = a[p];
            if (afterCr) {
                if (b != Ascii.LF) {
                    throw new HttpException(400, "bare CR in the header section (CR must be followed by LF)",
                            offset + p - start);
                }
                afterCr = false;
                p++;
                if (endOfLine(offset + p - start)) {
                    complete = true;
                    return p;
                }
            } else if (b == Ascii.CR) {
                afterCr = true;
                p++;
                append(b, offset + p - start);
            } else if (b == Ascii.LF) {
                throw new HttpException(400, "bare LF in the header section (lines must end with CRLF)",
                        offset + p - start);
            } else {
                // Copy the run of ordinary bytes up to the next CR or LF in one go.
                int end = p + 1;
                while (end < limit && a[end] != Ascii.CR && a[end] != Ascii.LF) {
                    end++;
                }
                ensure(end - p, offset + p - start);
                System.arraycopy(a, p, buffer, length, end - p);
                length += end - p;
                p = end;
            }
        }
        return p;
    }

    /** After a CRLF: true if it was the empty line that ends the section. */
    private boolean endOfLine(long at) throws HttpException {
        append(Ascii.LF, at);
        if (length - lineStart == 2) {               // an empty line
            if (lines == 0 && hasStartLine) {
                // RFC 9112 §2.2: ignore empty lines before the request line.
                length = 0;
                lineStart = 0;
                return false;
            }
            return true;
        }
        lines++;
        if (lines == 1) {
            firstLineEnd = length;
        }
        lineStart = length;
        return false;
    }

    private void append(byte b, long at) throws HttpException {
        ensure(1, at);
        buffer[length++] = b;
    }

    private void ensure(int n, long at) throws HttpException {
        int newLength = length + n;
        if (lines == 0 && hasStartLine) {
            if (newLength > maxFirstLine + 2) {
                throw new HttpException(firstLineStatus, (firstLineStatus == 414 ? "request line" : "status line")
                        + " longer than " + maxFirstLine + " bytes", at);
            }
        } else if (newLength - firstLineEnd > maxSection + 2) {
            throw new HttpException(431, (hasStartLine ? "header" : "trailer") + " section larger than "
                    + maxSection + " bytes", at);
        }
        if (newLength > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(newLength, buffer.length * 2));
        }
    }

    byte[] buffer() {
        return buffer;
    }

    /** The array's size: what the scanner holds, for the fuzz test's memory bound. */
    int capacity() {
        return buffer.length;
    }

    /** Bytes gathered, including the final empty line. */
    int length() {
        return length;
    }

    /** Field lines gathered (the start line not counted). */
    int fieldLines() {
        return hasStartLine ? lines - 1 : lines;
    }

    /**
     * Hands the gathered bytes over (they become the message's own) and starts a fresh array
     * for the next section, sized like this one: one allocation per message, no second copy.
     */
    byte[] takeBuffer() {
        byte[] taken = buffer;
        buffer = new byte[Math.max(256, length + 64)];   // the next head is likely the same size
        reset();
        return taken;
    }

    /** Ready for the next section; keeps the array. */
    void reset() {
        length = 0;
        lineStart = 0;
        lines = 0;
        afterCr = false;
        firstLineEnd = 0;
    }
}
