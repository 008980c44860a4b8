package io.rawloop.http;

/**
 * Reads the field lines of a complete header or trailer section (RFC 9112 §5, RFC 9110 §5.5)
 * into {@link Headers}, refusing what a lenient parser would have to guess about:
 * obs-fold (a line starting with whitespace), whitespace before the colon, a name that is not a
 * token, a value with a control character (CR, LF and NUL above all).
 */
final class FieldParser {

    private FieldParser() {
    }

    /**
     * @param data  the section, lines ending in CRLF, the last one empty
     * @param from  where the first field line starts
     * @param end   the end of the section (after the final CRLF)
     * @param lines how many field lines the section has (sizes the offsets array)
     * @param base  where {@code data[0]} is in the message, for error offsets
     */
    static Headers parse(byte[] data, int from, int end, int lines, int maxCount, String what, long base)
            throws HttpException {
        int count = 0;
        // Sized once from the line count the scanner kept: no allocation grows with the fields.
        int[] bounds = new int[4 * Math.min(lines, maxCount + 1)];
        int p = from;
        while (true) {
            int lineEnd = p;
            while (data[lineEnd] != Ascii.CR) {
                lineEnd++;
            }
            if (lineEnd == p) {
                break;   // the empty line: end of the section
            }
            if (Ascii.isWhitespace(data[p])) {
                throw new HttpException(400, "obsolete line folding (a " + what + " line starting with whitespace)",
                        base + p);
            }
            int colon = p;
            while (colon < lineEnd && data[colon] != ':') {
                byte b = data[colon];
                if (!Ascii.isTokenChar(b)) {
                    throw new HttpException(400, Ascii.isWhitespace(b)
                            ? "whitespace between a " + what + " name and its colon"
                            : "invalid character in a " + what + " name", base + colon);
                }
                colon++;
            }
            if (colon == lineEnd) {
                throw new HttpException(400, "a " + what + " line without a colon", base + p);
            }
            if (colon == p) {
                throw new HttpException(400, "empty " + what + " name", base + p);
            }
            int valueStart = colon + 1;
            while (valueStart < lineEnd && Ascii.isWhitespace(data[valueStart])) {
                valueStart++;
            }
            int valueEnd = lineEnd;
            while (valueEnd > valueStart && Ascii.isWhitespace(data[valueEnd - 1])) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!Ascii.isFieldValueChar(data[i])) {
                    throw new HttpException(400, "invalid character 0x" + Integer.toHexString(data[i] & 0xFF)
                            + " in the value of a " + what, base + i);
                }
            }
            if (count == maxCount) {
                throw new HttpException(431, "more than " + maxCount + " " + what + " fields", base + p);
            }
            bounds[4 * count] = p;
            bounds[4 * count + 1] = colon;
            bounds[4 * count + 2] = valueStart;
            bounds[4 * count + 3] = valueEnd;
            count++;
            p = lineEnd + 2;
        }
        return count == 0 ? Headers.EMPTY : new Headers(data, bounds, count);
    }
}
