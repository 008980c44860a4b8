package io.rawloop.http;

import java.nio.ByteBuffer;

/**
 * The machine both parsers share: gather a head, decode it, read the body it declares, report
 * each step as an {@link HttpEvent}, then start over for the next message.
 *
 * <pre>
 *   HEAD ──head complete──▶ BODY ──body done──▶ COMPLETE ──next parse()──▶ HEAD
 *     │                      │                     └──after 101 or CONNECT──▶ SWITCHED
 *     └──── any rejection ───┴──▶ FAILED (every later call throws the same rejection)
 * </pre>
 * SWITCHED: the connection no longer speaks HTTP (a tunnel, another protocol); the parser
 * consumes nothing more and leaves the bytes to whoever takes the connection over.
 *
 * @param <H> the head type: {@link RequestHead} or {@link ResponseHead}
 */
final class MessageReader<H> {

    /** Turns a complete head into H and its framing; null means "skip it" (a 1xx response). */
    interface Decoder<H> {
        /**
         * @param lineEnds where each line's CR is (the start line first)
         * @param lines    how many lines, the start line included
         */
        H decode(byte[] head, int[] lineEnds, int lines, long base) throws HttpException;

        Framing framing(H head);

        /** True if after this message the connection stops speaking HTTP (101, CONNECT). */
        boolean switchesProtocol(H head);
    }

    private static final ByteBuffer NO_DATA = ByteBuffer.allocate(0).asReadOnlyBuffer();

    /** Where the reader is; see the class comment. */
    enum Phase { HEAD, BODY, COMPLETE, SWITCHED, FAILED }

    private final HeadScanner scanner;
    private final HttpLimits limits;
    /** Made for the first message that has a body: most connections (GETs) never need one. */
    private BodyReader body;
    /** The current message has no body: phase BODY ends at once. */
    private boolean bodiless;
    private final Decoder<H> decoder;
    private Phase phase = Phase.HEAD;
    private H head;
    /** Whether {@link #head} ends HTTP on this connection ({@link Decoder#switchesProtocol}): asked once per head. */
    private boolean switches;
    private long messageOffset;
    private HttpException failure;

    MessageReader(HttpLimits limits, boolean request, Decoder<H> decoder) {
        this.scanner = new HeadScanner(limits, true, request ? 414 : 400);
        this.limits = limits;
        this.decoder = decoder;
    }

    HttpEvent parse(ByteBuffer in) throws HttpException {
        if (phase == Phase.FAILED) {
            throw failure;
        }
        try {
            return step(in);
        } catch (HttpException e) {
            phase = Phase.FAILED;
            failure = e;
            throw e;
        }
    }

    // region step
    private HttpEvent step(ByteBuffer in) throws HttpException {
        if (phase == Phase.COMPLETE) {
            phase = switches ? Phase.SWITCHED : Phase.HEAD;
            messageOffset = 0;
        }
        if (phase == Phase.SWITCHED) {
            return HttpEvent.NEED_MORE;   // not ours to read any more
        }
        while (true) {
            if (phase == Phase.HEAD) {
                int before = in.position();
                boolean complete = scanner.scan(in, messageOffset);
                messageOffset += in.position() - before;
                if (!complete) {
                    return HttpEvent.NEED_MORE;
                }
                // The head outlives the scanner (Headers point into its bytes): take its array.
                int length = scanner.length();
                int lines = scanner.lines();
                int[] lineEnds = scanner.lineEnds();
                byte[] bytes = scanner.takeBuffer();
                long base = messageOffset - length;
                H decoded = decoder.decode(bytes, lineEnds, lines, base);
                if (decoded == null) {
                    messageOffset = 0;   // an interim response: skipped, the final one follows
                    continue;
                }
                head = decoded;
                switches = decoder.switchesProtocol(decoded);
                startBody(decoder.framing(decoded));
                phase = Phase.BODY;
                return HttpEvent.HEAD;
            }
            // Phase.BODY
            if (bodiless) {
                phase = Phase.COMPLETE;
                return HttpEvent.COMPLETE;
            }
            int before = in.position();
            BodyReader.Step step = body.read(in, messageOffset);
            messageOffset += in.position() - before;
            switch (step) {
                case NEED_MORE -> {
                    return HttpEvent.NEED_MORE;
                }
                case DATA -> {
                    return HttpEvent.BODY;
                }
                case DONE -> {
                    phase = Phase.COMPLETE;
                    return HttpEvent.COMPLETE;
                }
            }
        }
    }
    // endregion step

    private void startBody(Framing framing) {
        bodiless = framing.framing() == BodyFraming.NONE
                || framing.framing() == BodyFraming.LENGTH && framing.contentLength() == 0;
        if (bodiless) {
            return;
        }
        if (body == null) {
            body = new BodyReader(limits);
        }
        body.start(framing);
    }

    /**
     * Lets go of a completed message's head, between messages (an idle keep-alive connection
     * then holds no head, its fields or their bytes): the next message may begin.
     */
    void forgetMessage() {
        if (phase == Phase.COMPLETE) {
            phase = switches ? Phase.SWITCHED : Phase.HEAD;
            messageOffset = 0;
            head = null;
        }
    }

    /**
     * The input ended. COMPLETE if that ends a close-delimited body, NEED_MORE between messages;
     * a rejection in the middle of a message.
     */
    HttpEvent finish() throws HttpException {
        if (phase == Phase.FAILED) {
            throw failure;
        }
        try {
            if (phase == Phase.BODY) {
                if (!bodiless) {
                    body.finish(messageOffset);
                }
                phase = Phase.COMPLETE;
                return HttpEvent.COMPLETE;
            }
            if (phase == Phase.HEAD && (messageOffset > 0)) {
                throw new HttpException(400, "connection closed in the middle of the head", messageOffset);
            }
            return HttpEvent.NEED_MORE;
        } catch (HttpException e) {
            phase = Phase.FAILED;
            failure = e;
            throw e;
        }
    }

    H head() {
        return head;
    }

    /** Bytes held in the head scanner's array (for the fuzz test's memory bound). */
    int heldBytes() {
        return scanner.capacity();
    }

    ByteBuffer body() {
        return bodiless ? NO_DATA : body.data();
    }

    Headers trailers() {
        return bodiless || body == null ? Headers.EMPTY : body.trailers();
    }

    /** True once the connection has switched away from HTTP (after 101, or a CONNECT request). */
    boolean switched() {
        return phase == Phase.SWITCHED || (phase == Phase.COMPLETE && switches);
    }

    /** True between messages: nothing of a next message has been read yet. */
    boolean atMessageBoundary() {
        return phase == Phase.COMPLETE || phase == Phase.HEAD && messageOffset == 0;
    }
}
