package io.rawloop.http;

import java.nio.ByteBuffer;

/**
 * The server side's parser: bytes in, requests out, incrementally. Feed it whatever arrived;
 * any split of the same bytes produces the same events.
 *
 * <pre>{@code
 * while (true) {
 *     switch (parser.parse(buffer)) {
 *         case NEED_MORE -> { return; }                 // wait for more bytes
 *         case HEAD -> handle(parser.head());
 *         case BODY -> consume(parser.body());          // a slice of buffer: no copy
 *         case COMPLETE -> finish(parser.trailers());   // next call: the next pipelined request
 *     }
 * }
 * }</pre>
 *
 * Strict per RFC 9112 and RFC 9110 (see {@code HeadScanner}, {@code FieldParser}, {@code Framing});
 * every rejection is an {@link HttpException} with the status to answer. The Host rules
 * (exactly one on HTTP/1.1) are the server's to apply, with {@link Headers#count}.
 */
public final class RequestParser {

    private final MessageReader<RequestHead> reader;
    /** The last request's target, handed back when the next one asks for the same (until idle). */
    private String lastTarget;

    /** A parser with {@link HttpLimits#DEFAULT}. */
    public RequestParser() {
        this(HttpLimits.DEFAULT);
    }

    /** A parser with the given limits. */
    public RequestParser(HttpLimits limits) {
        this(limits, null);
    }

    /**
     * A parser with the given limits that takes the targets it has no String for from
     * {@code recent}, shared with the other parsers of this thread (null: none).
     */
    public RequestParser(HttpLimits limits, RecentTargets recent) {
        int maxCount = limits.maxHeaderCount();
        long maxBody = limits.maxBody();
        this.reader = new MessageReader<>(limits, true, new MessageReader.Decoder<>() {
            @Override
            public RequestHead decode(byte[] head, int[] lineEnds, int lines, long base) throws HttpException {
                RequestHead decoded = decodeRequest(head, lineEnds, lines, base, maxCount, maxBody, lastTarget, recent);
                lastTarget = decoded.target();
                return decoded;
            }

            @Override
            public Framing framing(RequestHead head) {
                // Most requests have no body: the shared NONE, not a new record per request.
                return head.framing() == BodyFraming.NONE ? Framing.NONE : new Framing(head.framing(), head.contentLength());
            }

            @Override
            public boolean switchesProtocol(RequestHead head) {
                return head.method().equals("CONNECT");
            }
        });
    }

    /** Consumes bytes from {@code in} (advancing its position) and says what they completed. */
    public HttpEvent parse(ByteBuffer in) throws HttpException {
        return reader.parse(in);
    }

    /** The input ended: NEED_MORE between requests, a rejection in the middle of one. */
    public HttpEvent finish() throws HttpException {
        return reader.finish();
    }

    /** Bytes the parser holds between calls (its head buffer): bounded by the limits. */
    int heldBytes() {
        return reader.heldBytes();
    }

    /** The head of the current request, after {@link HttpEvent#HEAD}. */
    public RequestHead head() {
        return reader.head();
    }

    /** The body piece of the last {@link HttpEvent#BODY}: a slice of the input. */
    public ByteBuffer body() {
        return reader.body();
    }

    /** Trailer fields of a chunked request, after {@link HttpEvent#COMPLETE}. */
    public Headers trailers() {
        return reader.trailers();
    }

    /**
     * True after a CONNECT request: what follows is tunnel data, not HTTP, and {@link #parse}
     * leaves it in the buffer.
     */
    public boolean switchedProtocol() {
        return reader.switched();
    }

    /**
     * Between requests, once the last one is answered: lets go of its head, so that an idle
     * keep-alive connection holds no head, fields or bytes. {@link #head()} is null afterwards.
     */
    public void forgetMessage() {
        reader.forgetMessage();
        lastTarget = null;
    }

    /** True when no byte of a next request has been read (a safe point to close an idle connection). */
    public boolean atMessageBoundary() {
        return reader.atMessageBoundary();
    }

    static RequestHead decodeRequest(byte[] head, int[] lineEnds, int lines, long base, int maxCount, long maxBody,
            String lastTarget, RecentTargets recent) throws HttpException {
        int lineEnd = lineEnds[0];
        int sp1 = indexOf(head, 0, lineEnd);
        if (sp1 < 0) {
            throw new HttpException(400, "request line without a space (expected METHOD target HTTP/1.1)", base);
        }
        String method = StartLine.method(head, sp1, base);
        int sp2 = indexOf(head, sp1 + 1, lineEnd);
        if (sp2 < 0) {
            throw new HttpException(400, "request line without an HTTP version", base + sp1);
        }
        String target = StartLine.target(head, sp1 + 1, sp2, base, lastTarget, recent);
        HttpVersion version = StartLine.version(head, sp2 + 1, lineEnd, base);
        Headers headers = FieldParser.parse(head, lineEnds, 1, lines, maxCount, "header", base);
        // RFC 9110 §9.3.6: a CONNECT request has no content; what follows its head is the tunnel.
        Framing framing = method.equals("CONNECT") ? Framing.NONE : Framing.ofRequest(headers, maxBody, base);
        return new RequestHead(method, target, version, headers, framing.framing(), framing.contentLength());
    }

    private static int indexOf(byte[] data, int from, int end) {
        for (int i = from; i < end; i++) {
            if (data[i] == Ascii.SP) {
                return i;
            }
        }
        return -1;
    }
}
