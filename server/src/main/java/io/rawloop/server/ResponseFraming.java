package io.rawloop.server;

import io.rawloop.http.HttpVersion;

/**
 * How a response's body is delimited on the wire: which framing field the head carries, and
 * whether body bytes follow. Decided once, by {@link #of}, for every kind of {@link ResponseBody},
 * so that no kind of body can frame itself differently (a streamed answer to HEAD once sent a
 * {@code 0\r\n\r\n} that the client read as the start of the next response).
 */
enum ResponseFraming {

    /** {@code Content-Length: n}, then the n bytes. */
    LENGTH(true, false, true),
    /** {@code Transfer-Encoding: chunked}, then the chunks and the last chunk. */
    CHUNKED(false, true, true),
    /**
     * No framing field, and the body ends when the connection closes: a stream to an HTTP/1.0
     * client, which knows no chunked coding (RFC 9112 §6.3 rule 8, §7.1).
     */
    CLOSE_DELIMITED(false, false, true),
    /**
     * An answer to HEAD: the Content-Length that GET would have carried, and no body
     * (RFC 9110 §9.3.2: the same header fields as for GET, "but without the content").
     */
    HEAD_LENGTH(true, false, false),
    /** An answer to HEAD of a streamed body: the chunked field GET would have carried, no chunk at all. */
    HEAD_CHUNKED(false, true, false),
    /**
     * Neither a framing field nor a body: 1xx and 204 may carry neither Content-Length nor
     * Transfer-Encoding (RFC 9110 §8.6, RFC 9112 §6.1) and end at their head (RFC 9110 §15.3.5);
     * a 304 has no content (§15.4.5); a 2xx to CONNECT (§9.3.6); and HEAD of a stream to an
     * HTTP/1.0 client.
     */
    NONE(false, false, false);

    private final boolean lengthField;
    private final boolean chunkedField;
    private final boolean sendsBody;

    ResponseFraming(boolean lengthField, boolean chunkedField, boolean sendsBody) {
        this.lengthField = lengthField;
        this.chunkedField = chunkedField;
        this.sendsBody = sendsBody;
    }

    // region framing
    /**
     * The framing of {@code status} with {@code body}, answering {@code request} (null for a
     * rejection, which has no request and is answered as to an HTTP/1.1 GET).
     */
    static ResponseFraming of(Request request, int status, ResponseBody body) {
        if (status < 200 || status == 204 || status == 304) {
            return NONE;
        }
        if (request != null && request.method().equals("CONNECT") && status < 300) {
            return NONE;   // a 2xx to CONNECT is a tunnel's start: no framing field (RFC 9110 §9.3.6)
        }
        boolean head = request != null && request.method().equals("HEAD");
        boolean http10 = request != null && request.version() == HttpVersion.HTTP_1_0;
        return switch (body) {
            case ResponseBody.Bytes bytes -> head ? HEAD_LENGTH : LENGTH;
            case ResponseBody.FileRegion file -> head ? HEAD_LENGTH : LENGTH;
            case ResponseBody.Stream stream -> http10 ? (head ? NONE : CLOSE_DELIMITED) : (head ? HEAD_CHUNKED : CHUNKED);
        };
    }
    // endregion framing

    /** True if the head carries Content-Length. */
    boolean lengthField() {
        return lengthField;
    }

    /** True if the head carries {@code Transfer-Encoding: chunked}. */
    boolean chunkedField() {
        return chunkedField;
    }

    /** True if body bytes follow the head. */
    boolean sendsBody() {
        return sendsBody;
    }

    /** True if only closing the connection can end the body. */
    boolean endsWithClose() {
        return this == CLOSE_DELIMITED;
    }
}
