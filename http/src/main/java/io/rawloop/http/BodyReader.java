package io.rawloop.http;

import java.nio.ByteBuffer;

/**
 * Reads a body by its framing: a count of bytes, chunks (RFC 9112 §7.1), or everything until the
 * connection closes. Hands out slices of the input, never copies; keeps only counters between
 * calls, so any split of the input gives the same bytes.
 */
final class BodyReader {

    /** Where the reader is; the CHUNK_ states walk RFC 9112 §7.1's grammar. */
    enum State {
        LENGTH, CHUNK_SIZE, CHUNK_SIZE_WS, CHUNK_EXT, CHUNK_SIZE_LF, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
        TRAILERS, CLOSE, DONE
    }

    /** What one call produced. */
    enum Step { NEED_MORE, DATA, DONE }

    /** A chunk extension longer than this is refused: extensions are ignored, so only a flood needs them long. */
    static final int MAX_CHUNK_EXTENSION = 4096;
    private static final int MAX_HEX_DIGITS = 15;   // < 2^60: far above any body limit, far from overflow

    private final long maxBody;
    /** Made at the first trailer section: most connections never see a chunked body. */
    private HeadScanner trailerScanner;
    private final HttpLimits limits;
    private final int maxTrailerCount;
    private State state = State.DONE;
    private long remaining;
    private long total;
    private int digits;
    private final ChunkExtension extension = new ChunkExtension();
    private ByteBuffer data;
    private Headers trailers = Headers.EMPTY;

    BodyReader(HttpLimits limits) {
        this.maxBody = limits.maxBody();
        this.limits = limits;
        this.maxTrailerCount = limits.maxHeaderCount();
    }

    void start(Framing framing) {
        total = 0;
        trailers = Headers.EMPTY;
        switch (framing.framing()) {
            case NONE -> state = State.DONE;
            case LENGTH -> {
                remaining = framing.contentLength();
                state = remaining == 0 ? State.DONE : State.LENGTH;
            }
            case CHUNKED -> startChunk();
            case CLOSE -> state = State.CLOSE;
        }
    }

    private void startChunk() {
        state = State.CHUNK_SIZE;
        remaining = 0;
        digits = 0;
    }

    boolean isDone() {
        return state == State.DONE;
    }

    /** True while reading until the connection closes. */
    boolean isCloseDelimited() {
        return state == State.CLOSE;
    }

    /** The slice the last DATA step produced. */
    ByteBuffer data() {
        return data;
    }

    Headers trailers() {
        return trailers;
    }

    /**
     * Consumes what it can of {@code in}.
     *
     * @param offset where {@code in}'s position is in the message, for error reports
     */
    Step read(ByteBuffer in, long offset) throws HttpException {
        int start = in.position();
        while (in.hasRemaining()) {
            long at = offset + in.position() - start;
            switch (state) {
                case LENGTH, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, in.remaining());
                    data = in.slice(in.position(), n);
                    in.position(in.position() + n);
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.LENGTH ? State.DONE : State.CHUNK_DATA_CR;
                    }
                    return Step.DATA;
                }
                case CLOSE -> {
                    data = in.slice();
                    total += data.remaining();
                    if (total > maxBody) {
                        throw new HttpException(413, "body larger than the limit of " + maxBody + " bytes", at);
                    }
                    in.position(in.limit());
                    return Step.DATA;
                }
                case CHUNK_SIZE -> chunkSize(in.get(), at);
                case CHUNK_SIZE_WS -> {
                    byte b = in.get();
                    if (b == ';') {
                        state = State.CHUNK_EXT;
                        extension.start();
                    } else if (!Ascii.isWhitespace(b)) {
                        throw new HttpException(400, "whitespace after a chunk size not followed by ';'", at);
                    }
                }
                case CHUNK_EXT -> {
                    if (extension.accept(in.get(), at)) {
                        state = State.CHUNK_SIZE_LF;
                    }
                }
                case CHUNK_SIZE_LF -> {
                    if (in.get() != Ascii.LF) {
                        throw new HttpException(400, "chunk size line ends in CR without LF", at);
                    }
                    if (remaining == 0) {
                        state = State.TRAILERS;
                    } else {
                        state = State.CHUNK_DATA;
                    }
                }
                case CHUNK_DATA_CR -> {
                    if (in.get() != Ascii.CR) {
                        throw new HttpException(400, "chunk data not followed by CRLF (more data than the chunk size?)", at);
                    }
                    state = State.CHUNK_DATA_LF;
                }
                case CHUNK_DATA_LF -> {
                    if (in.get() != Ascii.LF) {
                        throw new HttpException(400, "chunk data followed by CR without LF", at);
                    }
                    startChunk();
                }
                case TRAILERS -> {
                    if (trailerScanner == null) {
                        trailerScanner = new HeadScanner(limits, false, 431);
                    }
                    if (trailerScanner.scan(in, at)) {
                        int lines = trailerScanner.lines();
                        int[] lineEnds = trailerScanner.lineEnds();
                        byte[] section = trailerScanner.takeBuffer();
                        trailers = FieldParser.parse(section, lineEnds, 0, lines, maxTrailerCount, "trailer", at);
                        state = State.DONE;
                        return Step.DONE;
                    }
                }
                case DONE -> {
                    return Step.DONE;
                }
            }
        }
        return state == State.DONE ? Step.DONE : Step.NEED_MORE;
    }

    private void chunkSize(byte b, long at) throws HttpException {
        int hex = Ascii.hexValue(b);
        if (hex >= 0) {
            if (++digits > MAX_HEX_DIGITS) {
                throw new HttpException(400, "chunk size has more than " + MAX_HEX_DIGITS + " hex digits", at);
            }
            remaining = remaining * 16 + hex;
            return;
        }
        if (digits == 0) {
            throw new HttpException(400, "invalid character in chunk size (expected a hex digit)", at);
        }
        total += remaining;
        if (total > maxBody) {
            throw new HttpException(413, "chunked body larger than the limit of " + maxBody + " bytes", at);
        }
        switch (b) {
            case Ascii.CR -> state = State.CHUNK_SIZE_LF;
            case ';' -> {
                state = State.CHUNK_EXT;
                extension.start();
            }
            case Ascii.SP, Ascii.HTAB -> state = State.CHUNK_SIZE_WS;   // BWS before ';' (RFC 9112 §7.1.1)
            case Ascii.LF -> throw new HttpException(400, "bare LF after a chunk size (lines must end with CRLF)", at);
            default -> throw new HttpException(400, "invalid character in chunk size (expected a hex digit)", at);
        }
    }

    /** The connection closed: fine while reading until close, an error in the middle of a body. */
    void finish(long at) throws HttpException {
        if (state == State.CLOSE) {
            state = State.DONE;
        } else if (state != State.DONE) {
            throw new HttpException(400, "connection closed in the middle of the body", at);
        }
    }
}
