package io.rawloop.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.server.Sockets;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/** A WebSocket client on a blocking socket that sends whatever bytes a test wants: for hostile inputs. */
final class WsWire implements AutoCloseable {

    static final FrameWriter MASKED = new FrameWriter(new Random(7));
    static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    final Socket socket;
    final DataInputStream in;

    private WsWire(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
    }

    /** A connection with the handshake sent (and {@code after} in the same write) and its 101 read. */
    static WsWire open(int port, String path, byte[] after) throws IOException {
        WsWire wire = new WsWire(Sockets.open(port));
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(request);
        out.writeBytes(after);
        wire.socket.getOutputStream().write(out.toByteArray());
        String head = wire.head();
        assertTrue(head.startsWith("HTTP/1.1 101 "), head);
        assertTrue(head.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), head);
        return wire;
    }

    /** The response head, up to its empty line. */
    String head() throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the head ended early: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    void send(ByteBuffer frame) throws IOException {
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        socket.getOutputStream().write(bytes);
    }

    void send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
    }

    /** One frame from the server, which must be unmasked: its opcode and payload. */
    record Frame(Opcode opcode, boolean fin, byte[] payload) {
        int closeCode() {
            assertEquals(Opcode.CLOSE, opcode);
            return (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF);
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    Frame frame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        assertEquals(0, b1 & 0x80, "a server frame must not be masked");
        long length = b1 & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] payload = new byte[(int) length];
        in.readFully(payload);
        return new Frame(Opcode.of(b0 & 0x0F), (b0 & 0x80) != 0, payload);
    }

    /** Reads the server's close frame, answers it, and checks that the server then closes TCP. */
    int closeCodeThenEof() throws IOException {
        Frame close = frame();
        int code = close.closeCode();
        try {
            send(MASKED.frame(Opcode.CLOSE, close.payload()));
        } catch (IOException ignored) {
            // the server may have closed already: what it sent is what counts
        }
        assertEquals(-1, in.read(), "the server closes after its close frame");
        return code;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
