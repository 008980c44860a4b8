package io.rawloop.server.websocket;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.websocket.FrameWriter;
import io.rawloop.http.websocket.Opcode;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Keep-alive pings, the close timeout, graceful shutdown with 1001, and a producer that awaits the drain. */
@Timeout(60)
class WebSocketLifecycleTest {

    private static final int MESSAGES = 40;
    private static final int SIZE = 256 * 1024;

    private HttpServer server;
    /** The most bytes the producer ever saw queued on its connection. */
    private final AtomicLong mostPending = new AtomicLong();
    private final CompletableFuture<Void> produced = new CompletableFuture<>();
    private static final int ANSWERED = 21;
    /** The sends of /twice whose promise said their bytes were with the kernel. */
    private final AtomicLong drainedSends = new AtomicLong();
    private final CompletableFuture<Void> allDrained = new CompletableFuture<>();
    private final CompletableFuture<Void> twoDrained = new CompletableFuture<>();
    /** How the send of /closes-tcp ended: the failure, or null for success. */
    private final CompletableFuture<Throwable> afterTcpClose = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        WebSocketOptions pings = WebSocketOptions.DEFAULT.withIdle(Duration.ofSeconds(30), Duration.ofMillis(50));
        WebSocketOptions impatient = WebSocketOptions.DEFAULT.withIdle(Duration.ofMillis(100), Duration.ZERO)
                .withCloseTimeout(Duration.ofMillis(100));
        Router routes = new Router()
                .get("/pings", WebSocketUpgrade.of(WebSocketServerTest.echo()).options(pings))
                .get("/impatient", WebSocketUpgrade.of(WebSocketServerTest.echo()).options(impatient))
                .get("/echo", WebSocketUpgrade.of(WebSocketServerTest.echo()))
                .get("/producer", WebSocketUpgrade.of((socket, request, protocol) -> produce(socket)))
                .get("/closes-tcp", WebSocketUpgrade.of((socket, request, protocol) -> socket.listen(new WebSocket.Listener() {
                    @Override
                    public void onBinary(WebSocket s, byte[] data) {
                        s.send(new byte[20_000]);   // too large for the batch: queued on the connection
                        s.send(data).onComplete((v, failure) -> afterTcpClose.complete(failure));
                        s.connection().close();     // pending bytes: CLOSING, where no more may be written
                    }
                })))
                .get("/twice", WebSocketUpgrade.of((socket, request, protocol) -> socket.listen(new WebSocket.Listener() {
                    @Override
                    public void onBinary(WebSocket s, byte[] data) {
                        for (int i = 0; i < 2; i++) {
                            s.send(data).onComplete((v, failure) -> {
                                long drained = failure == null ? drainedSends.incrementAndGet() : -1;
                                if (drained == 2) {
                                    twoDrained.complete(null);
                                } else if (drained == 2 * ANSWERED) {
                                    allDrained.complete(null);
                                }
                            });
                        }
                    }
                })));
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends MESSAGES binary messages of SIZE bytes, each after the previous one has drained. */
    private void produce(WebSocket socket) {
        socket.connection().loop().spawn(() -> {
            for (int i = 0; i < MESSAGES; i++) {
                await(socket.send(new byte[SIZE]));
                mostPending.accumulateAndGet(socket.connection().pendingBytes(), Math::max);
            }
            produced.complete(null);
            return null;
        });
    }

    /**
     * Answers given during a read are gathered and written when it is handled (FrameBatch): the
     * frames that came with the handshake and in one write after it, small and large (past the
     * batch's limit) mixed, with a ping between them, are answered in their order, the pong in
     * its place, and every send's promise hears that its bytes went.
     */
    @Test
    void answersGatheredFromOneReadKeepTheirOrderAndEachSendHearsItDrained() throws Exception {
        ByteArrayOutputStream early = new ByteArrayOutputStream();
        ByteArrayOutputStream later = new ByteArrayOutputStream();
        for (int i = 0; i < ANSWERED - 1; i++) {
            byte[] message = new byte[i % 3 == 0 ? 20_000 : 10];
            Arrays.fill(message, (byte) i);
            ByteBuffer frame = WsWire.MASKED.frame(Opcode.BINARY, message);
            (i < 4 ? early : later).write(frame.array(), 0, frame.limit());
            if (i == 9) {
                ByteBuffer ping = WsWire.MASKED.frame(Opcode.PING, "between".getBytes(StandardCharsets.UTF_8));
                later.write(ping.array(), 0, ping.limit());
            }
        }
        try (WsWire wire = WsWire.open(server.port(), "/twice", early.toByteArray())) {
            wire.send(later.toByteArray());
            byte[] last = {(byte) 99};
            wire.send(WsWire.MASKED.frame(Opcode.BINARY, last));   // a read of its own, after the others
            for (int i = 0; i < ANSWERED; i++) {
                if (i == 10) {
                    WsWire.Frame pong = wire.frame();
                    assertEquals(Opcode.PONG, pong.opcode());
                    assertEquals("between", pong.text());
                }
                int size = i == ANSWERED - 1 ? 1 : i % 3 == 0 ? 20_000 : 10;
                byte fill = i == ANSWERED - 1 ? 99 : (byte) i;
                for (int copy = 0; copy < 2; copy++) {
                    WsWire.Frame echo = wire.frame();
                    assertEquals(Opcode.BINARY, echo.opcode(), "answer " + i);
                    assertEquals(size, echo.payload().length, "answer " + i);
                    for (byte b : echo.payload()) {
                        assertEquals(fill, b, "answer " + i);
                    }
                }
            }
            allDrained.get(10, TimeUnit.SECONDS);
            assertEquals(2 * ANSWERED, drainedSends.get());
        }
    }

    /**
     * A listener that closes the TCP connection under its own sends: the batched send hears that
     * its frame could not go (it does not hang), and the loop's batch is not left behind: the
     * next socket on the same loop still has its answers gathered and drained.
     */
    @Test
    void aListenerThatClosesTcpFailsItsBatchedSendAndLeavesTheBatchForOthers() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/closes-tcp", new byte[0])) {
            wire.send(WsWire.MASKED.frame(Opcode.BINARY, new byte[] {1}));
            Throwable failure = afterTcpClose.get(10, TimeUnit.SECONDS);
            assertTrue(failure instanceof IOException, String.valueOf(failure));
            assertEquals(20_000, wire.frame().payload().length, "what was queued before the close still goes");
        }
        try (WsWire wire = WsWire.open(server.port(), "/twice", new byte[0])) {
            wire.send(WsWire.MASKED.frame(Opcode.BINARY, new byte[] {7}));
            for (int copy = 0; copy < 2; copy++) {
                assertEquals(7, wire.frame().payload()[0]);
            }
            twoDrained.get(10, TimeUnit.SECONDS);   // the next socket's sends drained
        }
    }

    @Test
    void aSilentPeerIsPingedAndItsPongsKeepItOpen() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/pings", new byte[0])) {
            for (int i = 0; i < 3; i++) {
                assertEquals(Opcode.PING, wire.frame().opcode());
                wire.send(WsWire.MASKED.frame(Opcode.PONG, new byte[0]));
            }
            wire.send(WsWire.MASKED.frame(Opcode.CLOSE, FrameWriter.closePayload(1000, "")));
            WsWire.Frame close;
            do {
                close = wire.frame();   // a ping may still be on its way
            } while (close.opcode() == Opcode.PING);
            assertEquals(1000, close.closeCode());
        }
    }

    @Test
    void aPeerThatNeverAnswersTheCloseIsCutOffAtTheCloseTimeout() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/impatient", new byte[0])) {
            assertEquals(1001, wire.frame().closeCode());   // idle
            int end;
            try {
                end = wire.in.read();   // we never answer: the server aborts after its close timeout
            } catch (IOException reset) {
                end = -1;
            }
            assertEquals(-1, end);
        }
    }

    @Test
    void gracefulShutdownSaysGoingAwayAndWaitsForTheAnswer() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/echo", new byte[0])) {
            CompletableFuture<Void> stopped = server.shutdown();
            assertEquals(1001, wire.closeCodeThenEof());
            stopped.get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProducerThatAwaitsTheDrainHoldsAtMostOneMessageWhileThePeerIsNotReading() throws Exception {
        try (WsWire wire = WsWire.open(server.port(), "/producer", new byte[0])) {
            for (int i = 0; i < MESSAGES; i++) {
                WsWire.Frame frame = wire.frame();
                assertEquals(Opcode.BINARY, frame.opcode());
                assertEquals(SIZE, frame.payload().length);
            }
            produced.get(30, TimeUnit.SECONDS);
            assertTrue(mostPending.get() <= SIZE + 14, "queued beyond one message: " + mostPending.get());
        }
    }
}
