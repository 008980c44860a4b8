package io.rawloop.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The client side's parser: bytes in, responses out, incrementally, like {@link RequestParser}.
 *
 * <p>A response's body depends on the request (RFC 9112 §6.3): call {@link #expectResponseTo}
 * with each request's method before its response arrives, so that a response to HEAD is read
 * without a body. Interim responses (1xx other than 101) are skipped to the final one. A body
 * without Content-Length or chunked ends when the connection does: call {@link #finish()}.
 */
public final class ResponseParser {

    private final MessageReader<ResponseHead> reader;
    private boolean toHead;
    private boolean toConnect;
    /** Whether the last decoded head ends HTTP on the connection: a 101, or a 2xx to CONNECT. */
    private boolean switches;

    /** A parser with {@link HttpLimits#DEFAULT}. */
    public ResponseParser() {
        this(HttpLimits.DEFAULT);
    }

    /** A parser with the given limits ({@code maxBody} caps a response body). */
    public ResponseParser(HttpLimits limits) {
        int maxCount = limits.maxHeaderCount();
        this.reader = new MessageReader<>(limits, false, new MessageReader.Decoder<>() {
            @Override
            public ResponseHead decode(byte[] head, int[] lineEnds, int lines, long base) throws HttpException {
                ResponseHead decoded = decodeResponse(head, lineEnds, lines, base, maxCount, toHead, toConnect);
                if (decoded != null) {
                    switches = decoded.status() == 101 || toConnect && decoded.status() / 100 == 2;
                }
                return decoded;
            }

            @Override
            public Framing framing(ResponseHead head) {
                return new Framing(head.framing(), head.contentLength());
            }

            @Override
            public boolean switchesProtocol(ResponseHead head) {
                return switches;
            }
        });
    }

    /**
     * Says which request the next response answers: a response to HEAD has no body, and a 2xx to
     * CONNECT has none either, its Content-Length and Transfer-Encoding ignored, as the connection
     * becomes a tunnel after its head (RFC 9112 §6.3 rule 2).
     */
    public void expectResponseTo(String method) {
        this.toHead = "HEAD".equals(method);
        this.toConnect = "CONNECT".equals(method);
    }

    /** Consumes bytes from {@code in} (advancing its position) and says what they completed. */
    public HttpEvent parse(ByteBuffer in) throws HttpException {
        return reader.parse(in);
    }

    /** The connection closed: COMPLETE for a close-delimited body, a rejection mid-message. */
    public HttpEvent finish() throws HttpException {
        return reader.finish();
    }

    /**
     * True after a 101 (Switching Protocols) response, or a 2xx to CONNECT: what follows is not
     * HTTP and stays in the buffer.
     */
    public boolean switchedProtocol() {
        return reader.switched();
    }

    /** True when no byte of a next response has been read. */
    public boolean atMessageBoundary() {
        return reader.atMessageBoundary();
    }

    /** Bytes the parser holds between calls (its head buffer): bounded by the limits. */
    int heldBytes() {
        return reader.heldBytes();
    }

    /** The head of the current response, after {@link HttpEvent#HEAD}. */
    public ResponseHead head() {
        return reader.head();
    }

    /** The body piece of the last {@link HttpEvent#BODY}: a slice of the input. */
    public ByteBuffer body() {
        return reader.body();
    }

    /** Trailer fields of a chunked response, after {@link HttpEvent#COMPLETE}. */
    public Headers trailers() {
        return reader.trailers();
    }

    static ResponseHead decodeResponse(byte[] head, int[] lineEnds, int lines, long base, int maxCount, boolean toHead,
                                       boolean toConnect) throws HttpException {
        int lineEnd = lineEnds[0];
        if (lineEnd < 12 || head[8] != Ascii.SP) {
            throw new HttpException(400, "malformed status line (expected HTTP/1.1 200 OK)", base);
        }
        HttpVersion version = StartLine.version(head, 0, 8, base);
        if (!StartLine.isDigit(head[9]) || !StartLine.isDigit(head[10]) || !StartLine.isDigit(head[11])
                || head[9] == '0') {
            throw new HttpException(400, "status code is not three digits from 100 to 999", base + 9);
        }
        int status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        String reason = "";
        if (lineEnd > 12) {
            if (head[12] != Ascii.SP) {
                throw new HttpException(400, "status code followed by something other than a space", base + 12);
            }
            for (int i = 13; i < lineEnd; i++) {
                if (!Ascii.isFieldValueChar(head[i])) {
                    throw new HttpException(400, "invalid character in the reason phrase", base + i);
                }
            }
            reason = new String(head, 13, lineEnd - 13, StandardCharsets.ISO_8859_1);
        }
        Headers headers = FieldParser.parse(head, lineEnds, 1, lines, maxCount, "header", base);
        if (status >= 100 && status < 200 && status != 101) {
            return null;   // interim response: skipped (RFC 9110 §15.2)
        }
        Framing framing = toConnect && status / 100 == 2 ? Framing.NONE
                : Framing.ofResponse(status, toHead, headers, base);
        return new ResponseHead(version, status, reason, headers, framing.framing(), framing.contentLength());
    }
}
