package io.rawloop.http.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Frames out (RFC 6455 §5.2): the header with the shortest length encoding, and the payload,
 * masked with a fresh key when the writer is a client's (§5.3), as is.
 */
public final class FrameWriter {

    private final Random masks;

    /**
     * A writer that masks each frame with a key from {@code masks} (a client), or, with null,
     * masks nothing (a server). §10.3 wants keys an intermediary cannot predict, hence the caller
     * passes a {@code SecureRandom}.
     */
    public FrameWriter(Random masks) {
        this.masks = masks;
    }

    /** The bytes a frame with {@code length} bytes of payload takes: its header and the payload. */
    public int size(int length) {
        return 2 + (length > 0xFFFF ? 8 : length > 125 ? 2 : 0) + (masks != null ? 4 : 0) + length;
    }

    /** One frame with {@code length} bytes of {@code payload} from {@code offset}, in a buffer of its own. */
    public ByteBuffer frame(Opcode opcode, boolean fin, byte[] payload, int offset, int length) {
        ByteBuffer out = ByteBuffer.allocate(size(length));
        put(out, opcode, fin, payload, offset, length);
        return out.flip();
    }

    /**
     * Puts the same frame at {@code out}'s position, which must have {@link #size} bytes of room:
     * a sender that writes many small frames into one buffer of its own makes none per frame.
     */
    public void put(ByteBuffer out, Opcode opcode, boolean fin, byte[] payload, int offset, int length) {
        out.put((byte) ((fin ? 0x80 : 0) | opcode.code()));
        int maskBit = masks != null ? 0x80 : 0;
        if (length > 0xFFFF) {
            networkOrder(out.put((byte) (maskBit | 127)), length, 8);
        } else if (length > 125) {
            networkOrder(out.put((byte) (maskBit | 126)), length, 2);
        } else {
            out.put((byte) (maskBit | length));
        }
        if (masks == null) {
            out.put(payload, offset, length);
        } else {
            int key = masks.nextInt();
            networkOrder(out, key, 4);   // octet 0 of the key is its top byte
            for (int i = 0; i < length; i++) {
                out.put((byte) (payload[offset + i] ^ key >>> (24 - 8 * (i & 3))));
            }
        }
    }

    /** The low {@code octets} bytes of {@code value}, most significant first, whatever {@code out}'s order. */
    private static void networkOrder(ByteBuffer out, long value, int octets) {
        for (int shift = 8 * (octets - 1); shift >= 0; shift -= 8) {
            out.put((byte) (value >>> shift));
        }
    }

    /** A whole message, or a control frame, in one frame. */
    public ByteBuffer frame(Opcode opcode, byte[] payload) {
        return frame(opcode, true, payload, 0, payload.length);
    }

    /**
     * A close frame's payload: the code, then as much of {@code reason} as fits in a control
     * frame's 125 bytes, cut on a character boundary.
     */
    public static byte[] closePayload(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(text.length, 123);
        while (n < text.length && n > 0 && (text[n] & 0xC0) == 0x80) {
            n--;   // do not cut a character in two: the reason must stay UTF-8
        }
        byte[] payload = new byte[2 + n];
        payload[0] = (byte) (code >> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, n);
        return payload;
    }
}
