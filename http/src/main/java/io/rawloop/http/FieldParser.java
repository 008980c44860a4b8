package io.rawloop.http;

/**
 * Reads the field lines of a complete header or trailer section (RFC 9112 §5, RFC 9110 §5.5)
 * into {@link Headers}, refusing what a lenient parser would have to guess about: obs-fold (a
 * line starting with whitespace), whitespace before the colon, a name that is not a token. Values
 * need no second look: {@code HeadScanner} refused every control character (CR, LF and NUL above
 * all) as the bytes passed, and recorded where each line ends.
 */
final class FieldParser {

    private FieldParser() {
    }

    /**
     * @param data      the section: lines ending in CRLF; control characters other than HTAB
     *                  were already refused by the scanner
     * @param lineEnds  where each line's CR is, as the scanner recorded them
     * @param firstLine the index of the first field line (1 after a start line, else 0)
     * @param lines     how many lines there are
     * @param base      where {@code data[0]} is in the message, for error offsets
     */
    static Headers parse(byte[] data, int[] lineEnds, int firstLine, int lines, int maxCount, String what, long base)
            throws HttpException {
        int fields = lines - firstLine;
        if (fields == 0) {
            return Headers.EMPTY;
        }
        if (fields > maxCount) {
            throw new HttpException(431, "more than " + maxCount + " " + what + " fields",
                    base + lineEnds[firstLine + maxCount - 1] + 2);
        }
        // Sized once from the line count the scanner kept: nothing is allocated per field.
        int[] bounds = new int[4 * fields];
        for (int k = 0; k < fields; k++) {
            int line = firstLine + k;
            int p = line == 0 ? 0 : lineEnds[line - 1] + 2;
            int lineEnd = lineEnds[line];
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
            bounds[4 * k] = p;
            bounds[4 * k + 1] = colon;
            bounds[4 * k + 2] = valueStart;
            bounds[4 * k + 3] = valueEnd;
        }
        return new Headers(data, bounds, fields);
    }
}
