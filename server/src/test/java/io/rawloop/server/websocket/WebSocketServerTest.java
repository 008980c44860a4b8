package io.rawloop.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.websocket.EchoListener;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.Sockets;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's WebSocket over raw sockets: the handshake, echo, and every hostile input with its close code. */
@Timeout(120)
class WebSocketServerTest {

    private HttpServer server;

    /** Echoes each message whole, text as text, binary as binary. */
    static WebSocketEndpoint echo() {
        return (socket, request, protocol) -> socket.listen(EchoListener.INSTANCE);
    }

    @BeforeEach
    void start() throws Exception {
        WebSocketOptions small = WebSocketOptions.DEFAULT.withMaxMessage(1000);
        // The close timeout is long: on a busy machine the test may answer the 2,000 close frames late.
        WebSocketOptions idle = WebSocketOptions.DEFAULT.withIdle(Duration.ofMillis(300), Duration.ZERO)
                .withCloseTimeout(Duration.ofSeconds(60));
        Router routes = new Router()
                .get("/echo", WebSocketUpgrade.of(echo()).options(small).subprotocols("chat", "superchat")
                        .origins(origin -> origin == null || origin.equals("http://good.example")))
                .get("/idle", WebSocketUpgrade.of(echo()).options(idle));
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer... frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer f : frames) {
            byte[] b = new byte[f.remaining()];
            f.get(b);
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    @Test
    void framesSentWithTheHandshakeAreEchoedInOrderAndCloseIsAnswered() throws Exception {
        byte[] after = bytes(WsWire.MASKED.frame(Opcode.TEXT, false, utf8("hel"), 0, 3),
                WsWire.MASKED.frame(Opcode.PING, utf8("are you there")),
                WsWire.MASKED.frame(Opcode.CONTINUATION, true, utf8("lo"), 0, 2),
                WsWire.MASKED.frame(Opcode.BINARY, new byte[] {1, 2, 3}));
        try (WsWire wire = WsWire.open(server.port(), "/echo", after)) {
            WsWire.Frame pong = wire.frame();
            assertEquals(Opcode.PONG, pong.opcode());
            assertEquals("are you there", pong.text());
            WsWire.Frame text = wire.frame();
            assertEquals(Opcode.TEXT, text.opcode());
            assertEquals("hello", text.text());
            assertEquals(Opcode.BINARY, wire.frame().opcode());
            wire.send(WsWire.MASKED.frame(Opcode.CLOSE, FrameWriter.closePayload(1000, "done")));
            WsWire.Frame close = wire.frame();
            assertEquals(1000, close.closeCode());
            assertEquals(-1, wire.in.read(), "the server closes TCP after the handshake");
        }
    }

    @Test
    void hostileInputsGetTheirCloseCode() throws Exception {
        record Case(String what, int code, byte[] input) {
        }
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("unmasked", 1002, bytes(new FrameWriter(null).frame(Opcode.TEXT, utf8("hi")))));
        cases.add(new Case("RSV1", 1002, HexFormat.of().parseHex("c18000000000")));
        cases.add(new Case("opcode 3", 1002, HexFormat.of().parseHex("838000000000")));
        cases.add(new Case("opcode 11", 1002, HexFormat.of().parseHex("8b8000000000")));
        cases.add(new Case("ping of 126", 1002, bytes(WsWire.MASKED.frame(Opcode.PING, new byte[126]))));
        cases.add(new Case("fragmented ping", 1002, bytes(WsWire.MASKED.frame(Opcode.PING, false, new byte[1], 0, 1))));
        cases.add(new Case("close 1005", 1002, bytes(WsWire.MASKED.frame(Opcode.CLOSE, FrameWriter.closePayload(1005, "")))));
        cases.add(new Case("close 999", 1002, bytes(WsWire.MASKED.frame(Opcode.CLOSE, FrameWriter.closePayload(999, "")))));
        cases.add(new Case("length 2^63", 1002, HexFormat.of().parseHex("82ff8000000000000000")));
        cases.add(new Case("bad UTF-8", 1007, bytes(WsWire.MASKED.frame(Opcode.TEXT, false, new byte[] {(byte) 0xC0}, 0,
                1))));
        cases.add(new Case("a frame over the limit", 1009, bytes(WsWire.MASKED.frame(Opcode.BINARY, new byte[1001]))));
        for (Case c : cases) {
            try (WsWire wire = WsWire.open(server.port(), "/echo", new byte[0])) {
                wire.send(c.input());
                assertEquals(c.code(), wire.closeCodeThenEof(), c.what());
            }
        }
    }

    @Test
    void aMessageThatGrowsAByteAtATimeIsRefusedAtTheLimit() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/echo", new byte[0])) {
            wire.send(WsWire.MASKED.frame(Opcode.BINARY, false, new byte[1], 0, 1));
            for (int i = 1; i < 1000; i++) {
                wire.send(WsWire.MASKED.frame(Opcode.CONTINUATION, false, new byte[1], 0, 1));
            }
            wire.send(WsWire.MASKED.frame(Opcode.CONTINUATION, false, new byte[1], 0, 1));   // the 1001st byte
            assertEquals(1009, wire.closeCodeThenEof());
        }
    }

    @Test
    void refusedHandshakesGetPlainHttp() throws Exception {
        String base = "GET /echo HTTP/1.1\r\nHost: a\r\n";
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        assertTrue(answer(base + "\r\n").startsWith("HTTP/1.1 426 "));
        String v8 = answer(base + upgrade + "Sec-WebSocket-Key: " + WsWire.KEY + "\r\nSec-WebSocket-Version: 8\r\n\r\n");
        assertTrue(v8.startsWith("HTTP/1.1 426 ") && v8.contains("Sec-WebSocket-Version: 13\r\n"), v8);
        assertTrue(answer(base + upgrade + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .startsWith("HTTP/1.1 400 "));
        assertTrue(answer(base + upgrade + "Sec-WebSocket-Key: " + WsWire.KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Origin: http://evil.example\r\n\r\n").startsWith("HTTP/1.1 403 "));
        String ok = answer(base + upgrade + "Sec-WebSocket-Key: " + WsWire.KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: other, superchat, chat\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");
        assertTrue(ok.startsWith("HTTP/1.1 101 ") && ok.contains("Sec-WebSocket-Protocol: chat\r\n"), ok);
        assertTrue(!ok.toLowerCase().contains("sec-websocket-extensions"), "permessage-deflate is declined: " + ok);
    }

    /** The head of the answer to {@code request}, on a connection of its own. */
    private String answer(String request) throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            for (int b; !head.toString().endsWith("\r\n\r\n") && (b = socket.getInputStream().read()) >= 0; ) {
                head.append((char) b);
            }
            return head.toString();
        }
    }

    @Test
    void twoThousandIdleConnectionsAreAllClosedWith1001AndNothingLeaks() throws Exception {
        int count = Integer.getInteger("ws.idle.connections", 2000);
        List<WsWire> wires = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                wires.add(WsWire.open(server.port(), "/idle", new byte[0]));
            }
            for (WsWire wire : wires) {
                assertEquals(1001, wire.closeCodeThenEof());
            }
        } finally {
            for (WsWire wire : wires) {
                wire.close();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (openConnections() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();   // each call above is a turn of the loop: this waits on the loop, not on time
        }
        assertEquals(0, openConnections());
    }

    private int openConnections() {
        return server.loops().get(0).submit(() -> server.stats().openConnections()).join();
    }
}
