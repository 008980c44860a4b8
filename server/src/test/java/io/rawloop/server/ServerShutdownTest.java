package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.ManualClock;
import io.rawloop.loop.Promise;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful shutdown's promises, and HTTP/1.0 keep-alive. */
@Timeout(60)
class ServerShutdownTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicReference<Promise<Response>> held = new AtomicReference<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    private void start() throws Exception {
        Router routes = ServerTest.routes().get("/wait", (request, loop) -> {
            Promise<Response> answer = loop.newPromise();
            held.set(answer);
            return answer;
        });
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes, clock);
    }

    private void syncWithLoop() {
        server.loops().get(0).submit(() -> null).join();   // one turn of the loop
    }

    /** Turns of the loop until the /wait handler holds its request, for at most 30 s of real time. */
    private void awaitHeld() {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (held.get() == null) {
            assertTrue(System.nanoTime() - deadline < 0, "the /wait handler is holding its request (within 30 s)");
            syncWithLoop();
        }
    }

    @Test
    void aRequestArrivingDuringShutdownIsAnsweredWithConnectionCloseAfterTheInFlightOne() throws Exception {
        start();
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitHeld();
            CompletableFuture<Void> stopped = server.shutdown();
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            syncWithLoop();
            assertFalse(stopped.isDone(), "a request is in flight");
            held.get().completeFromAnyThread(Response.text(200, "released"));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            int second = all.indexOf("HTTP/1.1 200 OK", 1);
            assertTrue(all.startsWith("HTTP/1.1 200 OK") && second > 0, all);
            assertTrue(all.substring(0, second).endsWith("released"), "the in-flight request finished first: " + all);
            assertTrue(all.substring(second).contains("\r\nConnection: close\r\n"), all);
            assertTrue(all.endsWith("Hello, World!"), all);
            socket.shutdownOutput();   // as a client does after the server's FIN: the server may now close
            stopped.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theShutdownDeadlineClosesWhatIsStillBusy() throws Exception {
        start();
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitHeld();
            CompletableFuture<Void> stopped = server.shutdown();
            syncWithLoop();
            clock.advance(ServerConfig.DEFAULT.shutdownDeadline());
            server.wakeLoops();
            stopped.get(10, TimeUnit.SECONDS);
            assertEquals(-1, socket.getInputStream().read(), "closed at the deadline, unanswered");
            assertTrue(held.get().isCancelled(), "the handler's unfinished work was cancelled with its connection");
        }
    }

    @Test
    void shutdownTwiceGivesBothCallersTheSameFutureAndBothSeeTheEnd() throws Exception {
        start();
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitHeld();
            CompletableFuture<Void> first = server.shutdown();
            CompletableFuture<Void> second = server.shutdown();   // before the fix: a second future, and the first never completed
            assertTrue(first == second, "one shutdown, one future");
            held.get().completeFromAnyThread(Response.text(200, "released"));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 200 OK") && all.endsWith("released"), all);
            socket.shutdownOutput();
            first.get(10, TimeUnit.SECONDS);
            assertTrue(second.isDone());
        }
    }

    @Test
    void http10KeepsTheConnectionOnlyWhenAsked() throws Exception {
        start();
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /hello HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.contains("\r\nConnection: close\r\n") && all.endsWith("Hello, World!"), all);
        }
        try (Socket socket = Sockets.open(server.port())) {
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                socket.getOutputStream().write("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertEquals(java.util.List.of("200 Hello, World!"), ServerTest.readResponses(in, 1));
            }
            assertEquals(2, server.stats().acceptedConnections(), "both answers came on the second connection");
        }
    }
}
