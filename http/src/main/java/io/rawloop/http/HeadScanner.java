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
 * Control characters other than HTAB are refused in the same pass, and where each line ends is
 * recorded, so the field parser reads every value only once.
 *
 * <p>Once complete, {@link #takeBuffer()} hands over the section with its CRLFs, and the parsers
 * read it as a whole: that is why every split of the input gives the same result. A fresh section
 * that lies whole in one buffer takes a fast path that gives the same verdict by construction
 * (see {@code scanWhole}).
 */
final class HeadScanner {

    private final int maxFirstLine;
    private final int maxSection;
    private final int firstLineStatus;
    private final boolean hasStartLine;
    /**
     * Gathers a section that arrives in pieces. Allocated when first needed, and handed over with
     * the section: most heads arrive whole and take the fast path, and an idle keep-alive
     * connection should hold no buffer at all (the c10k experiment counts these bytes).
     */
    private byte[] buffer = NONE;
    /** The size to allocate next: the last gathered section's, so a second one needs no growing. */
    private int sizeHint = 512;
    private static final byte[] NONE = new byte[0];
    private int length;
    private int lineStart;
    private int lines;
    /** Where the start line ends (0 for a trailer section, or until it has ended). */
    private int firstLineEnd;
    private boolean afterCr;
    /** Where each line's CR is, in order (the start line first, if any): the parsers' line index. */
    private int[] lineEnds = new int[8];   // grows (and stays grown) for heads with more lines
    /** A section the fast path copied out whole, until {@link #takeBuffer()} takes it. */
    private byte[] fastHead;
    /** Set by a scan that reached the empty line. */
    private boolean complete;
    /**
     * For direct buffers only: bytes are scanned from this heap copy, a slice at a time. It is
     * used only within one {@link #scan} call, so there is one per thread (a loop's thread serves
     * thousands of connections), not one per connection, which would hold 4 KiB for every idle
     * keep-alive connection (the c10k experiment found it).
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

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
            int from = base + in.position();
            int to = base + in.limit();
            in.position(scanSlice(in.array(), from, to, offset) - base);
            return complete;
        }
        // A direct buffer (the loop reads into one): through a reusable heap array, a slice at a
        // time, with the same fast path for a fresh head that lies whole in the slice.
        byte[] scratch = SCRATCH.get();
        while (in.hasRemaining() && !complete) {
            int at = in.position();
            int n = Math.min(in.remaining(), scratch.length);
            in.get(at, scratch, 0, n);
            int stop = scanSlice(scratch, 0, n, offset);
            in.position(at + stop);
            offset += stop;
        }
        return complete;
    }

    /** The fast path for a fresh section, else the byte-by-byte scan; returns where it stopped. */
    private int scanSlice(byte[] a, int start, int limit, long offset) throws HttpException {
        int end = length == 0 && !afterCr ? scanWhole(a, start, limit) : -1;
        return end >= 0 ? end : scan(a, start, limit, offset);
    }

    /**
     * The fast path, for a fresh section that lies whole in {@code a[start, limit)} and breaks no
     * rule: walk it in place, note where each line ends, then copy it once, at its exact size.
     * Returns where it ended, or -1 for anything else (incomplete, a bad byte, a limit), in
     * which case nothing has changed and {@link #scan(byte[], int, int, long)} does the work
     * and gives the verdict: so both paths agree by construction.
     */
    private int scanWhole(byte[] a, int start, int limit) {
        int first = start;          // where the section begins, after any empty lines before a request line
        int lineStart = start;
        int count = 0;
        while (true) {
            int cr = Swar.indexOfSpecial(a, lineStart, limit);
            if (cr + 1 >= limit || a[cr] != Ascii.CR || a[cr + 1] != Ascii.LF) {
                return -1;
            }
            if (cr == lineStart) {                       // an empty line
                if (count == 0 && hasStartLine) {
                    first = lineStart = cr + 2;          // RFC 9112 §2.2: ignore it
                    continue;
                }
                int end = cr + 2;
                fastHead = java.util.Arrays.copyOfRange(a, first, end);
                length = end - first;
                lines = count;
                complete = true;
                return end;
            }
            boolean startLine = count == 0 && hasStartLine;
            if (startLine ? cr - lineStart > maxFirstLine
                    : cr + 2 - (hasStartLine ? lineEnds[0] + 2 + first : first) > maxSection) {
                return -1;
            }
            if (count == lineEnds.length) {
                lineEnds = java.util.Arrays.copyOf(lineEnds, count * 2);
            }
            lineEnds[count++] = cr - first;
            lineStart = cr + 2;
        }
    }

    // region lineEndings
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
            } else if (b != Ascii.HTAB && (b >= 0 && b < 0x20 || b == 0x7F)) {
                // No part of a head may hold a control character (RFC 9110 §5.5, RFC 9112 §3):
                // refused here, in the one pass, so that the field parser need not look again.
                throw new HttpException(400, "control character 0x" + Integer.toHexString(b)
                        + " in the header section", offset + p - start);
            } else {
                // Copy the run of ordinary bytes up to the next special byte in one go.
                int end = Swar.indexOfSpecial(a, p + 1, limit);
                ensure(end - p, offset + p - start);
                System.arraycopy(a, p, buffer, length, end - p);
                length += end - p;
                p = end;
            }
        }
        return p;
    }
    // endregion lineEndings

    /** After a CRLF: true if it was the empty line that ends the section. */
    private boolean endOfLine(long at) throws HttpException {
        append(Ascii.LF, at);
        if (length - lineStart != 2) {
            if (lines == lineEnds.length) {
                lineEnds = java.util.Arrays.copyOf(lineEnds, lines * 2);
            }
            lineEnds[lines] = length - 2;            // where this line's CR is
        }
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
            buffer = Arrays.copyOf(buffer, Math.max(newLength, Math.max(sizeHint, buffer.length * 2)));
        }
    }

    /** The array's size: what the scanner holds, for the fuzz test's memory bound. */
    int capacity() {
        return buffer.length;
    }

    /** Bytes gathered, including the final empty line. */
    int length() {
        return length;
    }

    /** The CR offsets of the lines gathered, valid until the next scan; see {@link #lines()}. */
    int[] lineEnds() {
        return lineEnds;
    }

    /** Lines gathered, the start line included, the final empty line not. */
    int lines() {
        return lines;
    }

    /**
     * Hands the gathered bytes over (they become the message's own); the next section that
     * arrives in pieces gets a fresh array sized like this one: one allocation per message, no
     * second copy.
     */
    byte[] takeBuffer() {
        if (fastHead != null) {
            byte[] taken = fastHead;
            fastHead = null;
            reset();
            return taken;
        }
        byte[] taken = buffer;
        sizeHint = Math.max(256, length + 64);   // the next head is likely the same size
        buffer = NONE;
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
