package io.rawloop.http.websocket;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Bytes in, frames out (RFC 6455 §5.2), incrementally: any split of the same bytes produces
 * the same calls, and each rule is checked on the byte that breaks it, before the rest arrives.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   HEADER ─2 bytes, 7-bit length──────────────────┬─masked──▶ MASK_KEY ─4 bytes─┐
 *     │      length 126 or 127 ──▶ LENGTH ─2 or 8──┤                             ▼
 *     │                                            └─unmasked────────────────▶ PAYLOAD ─length bytes─▶ HEADER
 *     └─ a broken rule in any state ──▶ WebSocketException (the connection is failed; feed no more)
 * </pre>
 * Each frame is reported as {@link Listener#frameStart}, its payload in as many
 * {@link Listener#payload} pieces as it arrived in, then {@link Listener#frameEnd}. A zero-length
 * frame has no piece. A piece is a range of the input, not a slice of it: a ByteBuffer made per
 * frame was a quarter of all the heap an echo server allocated per message.
 *
 * <p>Refused, with 1002: a reserved bit set (no extension was agreed), a reserved opcode, a
 * fragmented control frame or one longer than 125 bytes (§5.5), a 64-bit length with its most
 * significant bit set (§5.2), and a frame masked the wrong way (§5.1: a client masks every
 * frame, a server none). With 1009: a frame longer than the limit, from its header alone.
 */
public final class FrameParser {

    /** Where the parser is in a frame; see the class comment. */
    enum State { HEADER, LENGTH, MASK_KEY, PAYLOAD }

    /** What the parser reports, frame by frame. */
    public interface Listener {
        /** A frame's header is complete. */
        void frameStart(boolean fin, Opcode opcode, long length) throws WebSocketException;

        /**
         * Some of its payload, unmasked: {@code length} bytes of {@code in} from index {@code from},
         * valid during the call only. Read them with absolute gets; {@code in}'s position is not theirs.
         */
        void payload(ByteBuffer in, int from, int length) throws WebSocketException;

        /** The frame's payload is complete. */
        void frameEnd() throws WebSocketException;
    }

    private final boolean masked;
    private final long maxFrame;
    private State state = State.HEADER;
    /** Bytes of the current state's field read so far. */
    private int got;
    private boolean fin;
    private Opcode opcode;
    private boolean frameMasked;
    private int lengthBytes;
    private long length;
    private long remaining;
    private final byte[] mask = new byte[4];
    private int maskIndex;

    /**
     * A parser for frames that must be {@code masked} (a server reading a client) or must not be
     * (a client reading a server), each at most {@code maxFrame} bytes of payload.
     */
    public FrameParser(boolean masked, long maxFrame) {
        this.masked = masked;
        this.maxFrame = maxFrame;
    }

    // region parse
    /**
     * Consumes all of {@code in}, reporting to {@code listener}. Unmasks the payload in place:
     * the bytes of {@code in} change.
     */
    public void parse(ByteBuffer in, Listener listener) throws WebSocketException {
        while (in.hasRemaining()) {
            switch (state) {
                case HEADER -> header(in.get() & 0xFF, listener);
                case LENGTH -> {
                    length = length << 8 | (in.get() & 0xFF);
                    if (++got == lengthBytes) {
                        got = 0;
                        if (length < 0) {   // §5.2: "the most significant bit MUST be 0"
                            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR,
                                    "a 64-bit frame length with its most significant bit set");
                        }
                        lengthKnown(listener);
                    }
                }
                case MASK_KEY -> {
                    mask[got++] = in.get();
                    if (got == 4) {
                        got = 0;
                        startPayload(listener);
                    }
                }
                case PAYLOAD -> payload(in, listener);
            }
        }
    }

    // endregion parse

    // region header
    private void header(int b, Listener listener) throws WebSocketException {
        if (got == 0) {
            got = 1;
            if ((b & 0x70) != 0) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "reserved bits set without an extension"
                        + " that defines them (RSV " + ((b >> 4) & 7) + ")");
            }
            opcode = Opcode.of(b & 0x0F);
            if (opcode == null) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "reserved opcode " + (b & 0x0F));
            }
            fin = (b & 0x80) != 0;
            if (opcode.isControl() && !fin) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "a fragmented " + opcode + " frame");
            }
            return;
        }
        got = 0;
        frameMasked = (b & 0x80) != 0;
        if (frameMasked != masked) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, masked ? "an unmasked frame from a client"
                    : "a masked frame from a server");
        }
        int length7 = b & 0x7F;
        if (opcode.isControl() && length7 > 125) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "a " + opcode + " frame longer than 125 bytes");
        }
        length = 0;
        if (length7 >= 126) {
            lengthBytes = length7 == 126 ? 2 : 8;
            state = State.LENGTH;
        } else {
            length = length7;
            lengthKnown(listener);
        }
    }

    // endregion header

    private void lengthKnown(Listener listener) throws WebSocketException {
        if (length > maxFrame) {
            throw new WebSocketException(CloseCodes.TOO_BIG, "a frame of " + length + " bytes (the limit is "
                    + maxFrame + ")");
        }
        if (frameMasked) {
            state = State.MASK_KEY;
        } else {
            startPayload(listener);
        }
    }

    private void startPayload(Listener listener) throws WebSocketException {
        remaining = length;
        maskIndex = 0;
        state = remaining == 0 ? State.HEADER : State.PAYLOAD;
        listener.frameStart(fin, opcode, length);
        if (remaining == 0) {
            listener.frameEnd();
        }
    }

    private void payload(ByteBuffer in, Listener listener) throws WebSocketException {
        int n = (int) Math.min(remaining, in.remaining());
        int from = in.position();
        if (frameMasked) {
            unmask(in, from, n);
        }
        in.position(from + n);
        remaining -= n;
        if (remaining == 0) {
            state = State.HEADER;
        }
        listener.payload(in, from, n);
        if (remaining == 0) {
            listener.frameEnd();
        }
    }

    /**
     * §5.3: octet i of the payload XOR key[i mod 4], eight octets at a time: the key, turned to
     * where this piece starts, repeated twice in a long laid out in the buffer's byte order,
     * then the last few octets one by one.
     */
    private void unmask(ByteBuffer in, int from, int n) {
        long key = 0;
        for (int k = 0; k < 8; k++) {
            key = key << 8 | (mask[(maskIndex + k) & 3] & 0xFF);   // big-endian: octet 0 first
        }
        if (in.order() == ByteOrder.LITTLE_ENDIAN) {
            key = Long.reverseBytes(key);
        }
        int i = from;
        for (int end = from + (n & ~7); i < end; i += 8) {
            in.putLong(i, in.getLong(i) ^ key);
        }
        for (int end = from + n; i < end; i++) {
            in.put(i, (byte) (in.get(i) ^ mask[maskIndex]));
            maskIndex = (maskIndex + 1) & 3;
        }
    }

    /** Where the parser is (for tests). */
    State state() {
        return state;
    }
}
