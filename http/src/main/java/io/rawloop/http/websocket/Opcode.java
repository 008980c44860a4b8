package io.rawloop.http.websocket;

/**
 * A frame's opcode (RFC 6455 §5.2). The others (3-7, 11-15) are reserved: a frame that carries
 * one fails the connection with 1002, since no extension we agreed to defines them.
 */
public enum Opcode {
    /** A continuation of a fragmented TEXT or BINARY message (§5.4). */
    CONTINUATION(0x0),
    /** The first frame of a text message: UTF-8. */
    TEXT(0x1),
    /** The first frame of a binary message. */
    BINARY(0x2),
    /** Control: the close handshake (§5.5.1). */
    CLOSE(0x8),
    /** Control: asks for a PONG with the same payload (§5.5.2). */
    PING(0x9),
    /** Control: answers a PING, or a unidirectional heartbeat (§5.5.3). */
    PONG(0xA);

    private final int code;

    Opcode(int code) {
        this.code = code;
    }

    /** The 4-bit value on the wire. */
    public int code() {
        return code;
    }

    /** True for CLOSE, PING and PONG: the opcodes with the high bit set (§5.5). */
    public boolean isControl() {
        return (code & 0x8) != 0;
    }

    /** The opcode of a 4-bit value, or null if it is reserved. */
    public static Opcode of(int code) {
        return switch (code) {
            case 0x0 -> CONTINUATION;
            case 0x1 -> TEXT;
            case 0x2 -> BINARY;
            case 0x8 -> CLOSE;
            case 0x9 -> PING;
            case 0xA -> PONG;
            default -> null;
        };
    }
}
