package io.rawloop.http;

/**
 * Checks the chunk extensions after a chunk size against RFC 9112 §7.1.1, byte by byte:
 * {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )}. Extensions carry no
 * meaning for us and are dropped, but a malformed one is refused: parsers that disagree on where
 * a chunk line ends are a smuggling vector (an unbalanced quote swallowing a CRLF, say).
 */
final class ChunkExtension {

    /** Where in the grammar the next byte falls. */
    enum State { BEFORE_NAME, NAME, AFTER_NAME, BEFORE_VALUE, VALUE, QUOTED, QUOTED_PAIR, AFTER_VALUE }

    private State state;
    private int length;

    /** A ';' was just read. */
    void start() {
        state = State.BEFORE_NAME;
        length = 0;
    }

    /** Consumes one byte; returns true at the CR that ends the chunk line. */
    boolean accept(byte b, long at) throws HttpException {
        if (++length > BodyReader.MAX_CHUNK_EXTENSION) {
            throw new HttpException(400, "chunk extensions longer than " + BodyReader.MAX_CHUNK_EXTENSION + " bytes", at);
        }
        boolean ws = Ascii.isWhitespace(b);
        boolean token = Ascii.isTokenChar(b);
        switch (state) {
            case BEFORE_NAME -> {
                if (token) {
                    state = State.NAME;
                } else if (!ws) {
                    throw error("a chunk extension without a name", at);
                }
            }
            case NAME, VALUE, AFTER_NAME, AFTER_VALUE -> {
                if (b == Ascii.CR) {
                    return true;
                }
                if (b == ';') {
                    state = State.BEFORE_NAME;
                } else if (b == '=' && (state == State.NAME || state == State.AFTER_NAME)) {
                    state = State.BEFORE_VALUE;
                } else if (ws) {
                    state = state == State.NAME ? State.AFTER_NAME : state == State.VALUE ? State.AFTER_VALUE : state;
                } else if (!token || (state != State.NAME && state != State.VALUE)) {
                    throw error("invalid character in a chunk extension", at);
                }
            }
            case BEFORE_VALUE -> {
                if (b == '"') {
                    state = State.QUOTED;
                } else if (token) {
                    state = State.VALUE;
                } else if (!ws) {
                    throw error("a chunk extension '=' without a value", at);
                }
            }
            case QUOTED -> {
                if (b == '"') {
                    state = State.AFTER_VALUE;
                } else if (b == '\\') {
                    state = State.QUOTED_PAIR;
                } else if (!Ascii.isFieldValueChar(b)) {
                    throw error("invalid character in a quoted chunk extension value (unbalanced quote?)", at);
                }
            }
            case QUOTED_PAIR -> {
                if (!Ascii.isFieldValueChar(b)) {
                    throw error("invalid escaped character in a quoted chunk extension value", at);
                }
                state = State.QUOTED;
            }
        }
        return false;
    }

    private static HttpException error(String reason, long at) {
        return new HttpException(400, reason, at);
    }
}
