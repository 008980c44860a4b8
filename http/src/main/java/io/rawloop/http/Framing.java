package io.rawloop.http;

/**
 * How long a body is, from the headers (RFC 9112 §6.1-6.3), refusing the ambiguous cases that
 * request smuggling is made of: Content-Length with Transfer-Encoding, Content-Length fields that
 * disagree or are not plain digits, chunked applied twice or not last.
 *
 * @param framing       how the body is delimited
 * @param contentLength the length for {@link BodyFraming#LENGTH}, else -1
 */
record Framing(BodyFraming framing, long contentLength) {

    static final Framing NONE = new Framing(BodyFraming.NONE, -1);
    static final Framing CHUNKED = new Framing(BodyFraming.CHUNKED, -1);
    static final Framing CLOSE = new Framing(BodyFraming.CLOSE, -1);

    /** For a request: a body only if Content-Length or Transfer-Encoding says so. */
    static Framing ofRequest(Headers headers, long maxBody, long base) throws HttpException {
        Framing declared = declared(headers, true, base);
        if (declared == null) {
            return NONE;
        }
        if (declared.framing == BodyFraming.LENGTH && declared.contentLength > maxBody) {
            throw new HttpException(413, "body of " + declared.contentLength + " bytes is larger than the limit of "
                    + maxBody, base);
        }
        return declared.contentLength == 0 ? new Framing(BodyFraming.LENGTH, 0) : declared;
    }

    /**
     * For a response: none for 1xx, 204, 304 and responses to HEAD (RFC 9112 §6.3 rule 1);
     * otherwise as declared, or until the connection closes.
     */
    static Framing ofResponse(int status, boolean toHead, Headers headers, long base) throws HttpException {
        if (toHead || status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        Framing declared = declared(headers, false, base);
        return declared == null ? CLOSE : declared;
    }

    // region declared
    /** What Transfer-Encoding or Content-Length declare, or null if neither is present. */
    private static Framing declared(Headers headers, boolean request, long base) throws HttpException {
        // One pass over the names; only those of the right length are compared.
        boolean hasTe = false;
        boolean hasCl = false;
        for (int i = 0; i < headers.size(); i++) {
            int length = headers.nameLength(i);
            if (length == 17 && headers.nameIs(i, "Transfer-Encoding")) {
                hasTe = true;
            } else if (length == 14 && headers.nameIs(i, "Content-Length")) {
                hasCl = true;
            }
        }
        if (hasTe && hasCl) {
            // RFC 9112 §6.1: such a message "ought to be handled as an error"; a server MUST
            // close after answering it. Refusing is the only safe choice for a proxy's peer.
            throw new HttpException(400, "both Content-Length and Transfer-Encoding", base);
        }
        if (hasTe) {
            return transferEncoding(headers, request, base);
        }
        if (hasCl) {
            return new Framing(BodyFraming.LENGTH, contentLength(headers, base));
        }
        return null;
    }
    // endregion declared

    /** RFC 9112 §6.1: chunked must be the final coding, applied once; we decode no other. */
    private static Framing transferEncoding(Headers headers, boolean request, long base) throws HttpException {
        Codings codings = new Codings();
        for (int i = headers.indexOf("Transfer-Encoding", 0); i >= 0; i = headers.indexOf("Transfer-Encoding", i + 1)) {
            headers.forEachElement(i, codings);
        }
        if (codings.elements == 0) {
            throw new HttpException(400, "empty Transfer-Encoding", base);
        }
        if (codings.chunkedTwice) {
            throw new HttpException(400, "Transfer-Encoding applies chunked more than once", base);
        }
        if (!codings.chunkedLast) {
            if (request) {
                // RFC 9112 §6.3 rule 4: the length of such a request cannot be determined.
                throw new HttpException(400, codings.chunkedSeen
                        ? "Transfer-Encoding has chunked before another coding: chunked must be last"
                        : "Transfer-Encoding without chunked last: body length unknown", base);
            }
            return CLOSE;   // a response: read until the connection closes (same rule)
        }
        if (codings.unknown != null && request) {
            // RFC 9112 §6.1: a server SHOULD answer 501 to a coding it does not understand;
            // we decode chunked only, and would otherwise hand out still-encoded bytes.
            throw new HttpException(501, "unsupported transfer coding '" + codings.unknown + "'", base);
        }
        // A response may wrap other codings inside chunked: we remove chunked and hand out the rest.
        return CHUNKED;
    }

    /** What the transfer codings listed, in order, amount to. */
    private static final class Codings implements Headers.ElementVisitor {
        int elements;
        boolean chunkedSeen;
        boolean chunkedTwice;
        boolean chunkedLast;
        String unknown;

        @Override
        public boolean visit(byte[] data, int start, int end) {
            elements++;
            if (Ascii.equalsIgnoreCase(data, start, end, "chunked")) {
                chunkedTwice |= chunkedSeen;
                chunkedSeen = true;
                chunkedLast = true;
            } else {
                chunkedLast = false;
                if (unknown == null) {
                    unknown = new String(data, start, end - start, java.nio.charset.StandardCharsets.ISO_8859_1);
                }
            }
            return true;
        }
    }

    /** RFC 9110 §8.6: 1*DIGIT; repeated fields or list elements must not disagree, and here must not repeat. */
    private static long contentLength(Headers headers, long base) throws HttpException {
        int first = headers.indexOf("Content-Length", 0);
        if (headers.indexOf("Content-Length", first + 1) >= 0) {
            throw new HttpException(400, "more than one Content-Length field", base);
        }
        byte[] data = headers.bytes();
        int start = headers.valueStart(first);
        int end = headers.valueEnd(first);
        if (start == end) {
            throw new HttpException(400, "empty Content-Length", base);
        }
        long value = 0;
        for (int p = start; p < end; p++) {
            byte b = data[p];
            if (b < '0' || b > '9') {
                throw new HttpException(400, "Content-Length is not a plain decimal number", base);
            }
            if (value > (Long.MAX_VALUE - 9) / 10) {
                throw new HttpException(400, "Content-Length too large", base);
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
