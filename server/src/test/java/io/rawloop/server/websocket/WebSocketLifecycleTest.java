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
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
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

    @BeforeEach
    void start() throws Exception {
        WebSocketOptions pings = WebSocketOptions.DEFAULT.withIdle(Duration.ofSeconds(30), Duration.ofMillis(50));
        WebSocketOptions impatient = WebSocketOptions.DEFAULT.withIdle(Duration.ofMillis(100), Duration.ZERO)
                .withCloseTimeout(Duration.ofMillis(100));
        Router routes = new Router()
                .get("/pings", WebSocketUpgrade.of(WebSocketServerTest.echo()).options(pings))
                .get("/impatient", WebSocketUpgrade.of(WebSocketServerTest.echo()).options(impatient))
                .get("/echo", WebSocketUpgrade.of(WebSocketServerTest.echo()))
                .get("/producer", WebSocketUpgrade.of((socket, request, protocol) -> produce(socket)));
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
