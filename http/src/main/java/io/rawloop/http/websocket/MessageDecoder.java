package io.rawloop.http.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Frames in, messages out: reassembles fragmented messages (RFC 6455 §5.4), lets control
 * frames through between their fragments, checks text as UTF-8 as it arrives, and the close
 * frame's code and reason (§5.5.1, §7.4). Feed it bytes with {@link #feed}; it drives its own
 * {@link FrameParser}.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   BETWEEN ─TEXT or BINARY, FIN clear─▶ IN_MESSAGE ─CONTINUATION with FIN─▶ BETWEEN
 *      │  ▲                                 │  ▲
 *      └──┘ a whole message, or control     └──┘ CONTINUATION without FIN, or control
 * </pre>
 * Refused: a CONTINUATION in BETWEEN, a TEXT or BINARY in IN_MESSAGE (1002); a message over the
 * limit, counted from each frame's header so that it fails before its bytes arrive (1009); text
 * that is not UTF-8, at its first bad byte (1007); a close payload of one byte, or with a code
 * that may not be sent (1002), or a reason that is not UTF-8 (1007).
 */
public final class MessageDecoder implements FrameParser.Listener {

    /** What the decoder reports, on the caller's thread, during {@link #feed}. */
    public interface Listener {
        /** A whole text message. */
        void onText(String text) throws WebSocketException;

        /** A whole binary message. */
        void onBinary(byte[] data) throws WebSocketException;

        /** A ping, with its payload: answer with a pong that carries the same (§5.5.2). */
        void onPing(byte[] payload) throws WebSocketException;

        /** A pong. */
        void onPong(byte[] payload) throws WebSocketException;

        /** A close frame: its code ({@link CloseCodes#NO_STATUS} if it had none) and reason. */
        void onClose(int code, String reason) throws WebSocketException;
    }

    /** Whether a fragmented message is under way; see the class comment. */
    enum State { BETWEEN, IN_MESSAGE }

    private final FrameParser frames;
    private final long maxMessage;
    private final Listener listener;
    private State state = State.BETWEEN;
    /** The data frames' type while IN_MESSAGE. */
    private Opcode messageType;
    /** The opcode of the frame being read (control frames come between fragments). */
    private Opcode frameType;
    private boolean frameFin;
    private static final byte[] EMPTY = new byte[0];
    private byte[] message = EMPTY;
    private int messageLength;
    /** The frame being read's payload length, from its header. */
    private long frameLength;
    /**
     * A message that came as one frame in one piece, copied once from the input into an array of
     * its own size: most messages do, and then {@link #message} is neither used nor grown (an idle
     * connection keeps no buffer for them).
     */
    private byte[] whole;
    /** A control frame's payload (125 bytes at most, §5.5): made for the first one, as most connections never see one. */
    private byte[] control;
    private int controlLength;
    private final Utf8Validator utf8 = new Utf8Validator();

    /**
     * A decoder for frames that are {@code masked} (what a server reads) or not (a client), with
     * limits on a frame's and a whole message's payload.
     */
    public MessageDecoder(boolean masked, long maxFrame, long maxMessage, Listener listener) {
        this.frames = new FrameParser(masked, Math.min(maxFrame, maxMessage));
        this.maxMessage = maxMessage;
        this.listener = listener;
    }

    /** Consumes all of {@code in} (unmasking it in place) and reports what it completed. */
    public void feed(ByteBuffer in) throws WebSocketException {
        frames.parse(in, this);
    }

    @Override
    public void frameStart(boolean fin, Opcode opcode, long length) throws WebSocketException {
        frameType = opcode;
        frameFin = fin;
        frameLength = length;
        if (opcode.isControl()) {
            controlLength = 0;
            if (control == null) {
                control = new byte[125];
            }
            return;
        }
        if (opcode == Opcode.CONTINUATION) {
            if (state != State.IN_MESSAGE) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "a continuation frame with no message to"
                        + " continue");
            }
        } else {
            if (state == State.IN_MESSAGE) {
                throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "a new " + opcode + " message before the "
                        + messageType + " message ended");
            }
            state = State.IN_MESSAGE;
            messageType = opcode;
            messageLength = 0;
            utf8.reset();
        }
        if (messageLength + length > maxMessage) {
            throw new WebSocketException(CloseCodes.TOO_BIG, "a message of more than " + maxMessage + " bytes");
        }
    }

    @Override
    public void payload(ByteBuffer in, int from, int n) throws WebSocketException {
        if (frameType.isControl()) {
            in.get(from, control, controlLength, n);
            controlLength += n;
            return;
        }
        if (messageType == Opcode.TEXT) {
            utf8.feed(in, from, n);
        }
        if (frameFin && frameType != Opcode.CONTINUATION && n == frameLength) {
            whole = new byte[n];
            in.get(from, whole);
            return;
        }
        if (messageLength + n > message.length) {
            message = Arrays.copyOf(message, (int) Math.min(maxMessage, Math.max(messageLength + n,
                    Math.max(256, (long) message.length * 2))));
        }
        in.get(from, message, messageLength, n);
        messageLength += n;
    }

    // region frameEnd
    @Override
    public void frameEnd() throws WebSocketException {
        switch (frameType) {
            case PING -> listener.onPing(Arrays.copyOf(control, controlLength));
            case PONG -> listener.onPong(Arrays.copyOf(control, controlLength));
            case CLOSE -> close();
            default -> {
                if (!frameFin) {
                    return;
                }
                state = State.BETWEEN;
                byte[] data = whole != null ? whole : Arrays.copyOf(message, messageLength);
                whole = null;
                if (message.length > 64 * 1024) {
                    message = EMPTY;   // a big message's buffer is not kept between messages
                }
                if (messageType == Opcode.TEXT) {
                    if (!utf8.complete()) {
                        throw new WebSocketException(CloseCodes.INVALID_PAYLOAD, "a text message that ends inside a"
                                + " UTF-8 sequence");
                    }
                    listener.onText(new String(data, StandardCharsets.UTF_8));
                } else {
                    listener.onBinary(data);
                }
            }
        }
    }

    /** §5.5.1: no payload, or a 2-byte code and a UTF-8 reason. */
    private void close() throws WebSocketException {
        if (controlLength == 0) {
            listener.onClose(CloseCodes.NO_STATUS, "");
            return;
        }
        if (controlLength == 1) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "a close frame with a 1-byte payload");
        }
        int code = (control[0] & 0xFF) << 8 | (control[1] & 0xFF);
        if (!CloseCodes.isValidOnWire(code)) {
            throw new WebSocketException(CloseCodes.PROTOCOL_ERROR, "close code " + code + " may not be sent");
        }
        Utf8Validator reason = new Utf8Validator();
        reason.feed(ByteBuffer.wrap(control), 2, controlLength - 2);
        if (!reason.complete()) {
            throw new WebSocketException(CloseCodes.INVALID_PAYLOAD, "a close reason that ends inside a UTF-8"
                    + " sequence");
        }
        listener.onClose(code, new String(control, 2, controlLength - 2, StandardCharsets.UTF_8));
    }
    // endregion frameEnd
}
