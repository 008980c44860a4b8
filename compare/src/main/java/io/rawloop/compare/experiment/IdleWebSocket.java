package io.rawloop.compare.experiment;

import io.rawloop.compare.backend.WebSocketEcho;
import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Handshake;
import io.rawloop.http.websocket.Opcode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * c10k's WebSocket connections, on a blocking socket: the opening handshake to
 * {@link WebSocketEcho#PATH} (RFC 6455 §4.1), and one small binary message echoed, so that each
 * held connection is a WebSocket that has carried a message, as each HTTP one has made a request.
 */
final class IdleWebSocket {

    /** Fixed seed: the keys need not be unpredictable on loopback (§10.3 is about intermediaries). */
    private static final Random KEYS = new Random(6455);
    private static final byte[] MESSAGE = "sixty-four bytes of a message, echoed by the back-end, then idle"
            .getBytes(StandardCharsets.US_ASCII);

    private IdleWebSocket() {
    }

    /** Upgrades {@code s} and has one message echoed; throws if the server does otherwise. */
    static void open(Socket s) throws IOException {
        String key;
        synchronized (KEYS) {
            key = Handshake.newKey(KEYS);
        }
        s.getOutputStream().write(("GET " + WebSocketEcho.PATH + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the handshake's answer: " + head);
            }
            head.append((char) b);
        }
        String text = head.toString().toLowerCase(Locale.ROOT);
        if (!text.startsWith("http/1.1 101") || !text.contains("sec-websocket-accept: "
                + Handshake.accept(key).toLowerCase(Locale.ROOT))) {
            throw new IOException("not upgraded: " + head);
        }
        echo(s);
    }

    /** One masked binary message out, its unmasked echo in. */
    static void echo(Socket s) throws IOException {
        ByteBuffer frame;
        synchronized (KEYS) {
            frame = new FrameWriter(KEYS).frame(Opcode.BINARY, MESSAGE);
        }
        OutputStream out = s.getOutputStream();
        out.write(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining());
        byte[] echoed = s.getInputStream().readNBytes(2 + MESSAGE.length);
        if (echoed.length != 2 + MESSAGE.length || (echoed[0] & 0xFF) != 0x82 || echoed[1] != MESSAGE.length
                || !Arrays.equals(echoed, 2, echoed.length, MESSAGE, 0, MESSAGE.length)) {
            throw new IOException("not an echo: " + Arrays.toString(echoed));
        }
    }
}
