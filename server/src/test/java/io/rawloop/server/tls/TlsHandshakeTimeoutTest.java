package io.rawloop.server.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.ManualClock;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.Sockets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The server's TLS handshake timeout, on the loops' manual clock: no waiting, no timing. */
@Timeout(60)
class TlsHandshakeTimeoutTest {

    @Test
    void aClientThatNeverFinishesTheHandshakeIsClosedWhenTheClockPassesTheHandshakeTimeout(@TempDir Path dir)
            throws Exception {
        TestPki pki = TestPki.create(dir);
        ManualClock clock = new ManualClock();
        ServerConfig config = ServerConfig.DEFAULT.withHandshakeTimeout(Duration.ofSeconds(3));
        try (HttpServer server = HttpServer.start(List.of(HttpServer.Listener.tls(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                        TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))), 1, config,
                new Router().get("/", Handler.of(r -> Response.text(200, "never"))), clock);
             Socket socket = Sockets.open(server.port())) {
            // Half a ClientHello's record header: the server waits for the rest, on its clock.
            socket.getOutputStream().write(new byte[] {22, 3, 1});
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (server.stats().acceptedConnections() == 0) {
                assertTrue(System.nanoTime() < deadline, "not accepted within 30 s");
                Thread.onSpinWait();
            }
            // The accept's callbacks (the timer's scheduling) run on the loop: one more turn of it.
            server.loops().get(0).submit(() -> null).get(30, TimeUnit.SECONDS);
            clock.advance(Duration.ofSeconds(2));
            server.wakeLoops();
            server.loops().get(0).submit(() -> null).get(30, TimeUnit.SECONDS);
            assertEquals(1, server.stats().openConnections(), "2 s of 3: still waiting");
            clock.advance(Duration.ofSeconds(1));
            server.wakeLoops();
            byte[] answer = socket.getInputStream().readAllBytes();   // ends when the server closes
            assertTrue(answer.length == 0 || answer[0] == 21, "an alert record at most (user_canceled), never data");
            while (server.tlsStats().handshakeFailures() == 0) {
                assertTrue(System.nanoTime() < deadline, "the failure is not counted within 30 s");
                Thread.onSpinWait();
            }
            assertEquals(0, server.tlsStats().handshakes());
        }
    }
}
