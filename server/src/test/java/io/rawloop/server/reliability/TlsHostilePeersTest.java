package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.ManualClock;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.tls.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Threats on a TLS listener, on a manual clock. The silent flood: connections that open and never
 * send a ClientHello, each holding a socket, a registration and a timer; the handshake timeout
 * closes them, and only them. The slow reader, over TLS: a client that stops reading in the middle
 * of a response; what waits for the kernel is ciphertext, held to the same watermark as plain
 * TCP, and the write-stall timeout drops it. (Garbage and plain HTTP on the TLS port are in
 * {@code TlsServerTest}; how much the silent flood costs everyone else's latency is measured by
 * {@code rawloop-compare.jar experiment tls-silent}, not tested.)
 */
@Timeout(180)
class TlsHostilePeersTest {

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    static Path dir;
    private static SSLContext server;
    private static SSLContext client;

    @BeforeAll
    static void certificates() throws Exception {
        TestPki pki = TestPki.create(dir);
        server = TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key"));
        client = TlsFiles.clientContext(pki.file("ca.pem"));
    }

    @Test
    void aThousandSilentConnectionsAreClosedAtTheHandshakeTimeoutWhileAnHttpsClientIsServed() throws Exception {
        int silentCount = 1000;
        try (Harness h = new Harness(ServerConfig.DEFAULT.withHandshakeTimeout(HANDSHAKE_TIMEOUT), new ManualClock(), server)) {
            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < silentCount; i++) {
                    silent.add(h.connect());   // and nothing sent: no ClientHello, ever
                }
                h.awaitOpen(silentCount);
                // Meanwhile: ten clients of the JDK, each its own handshake, three requests each.
                for (int i = 0; i < 10; i++) {
                    try (HttpClient https = HttpClient.newBuilder().sslContext(client).build()) {
                        for (int r = 0; r < 3; r++) {
                            HttpResponse<String> hello = https.send(HttpRequest.newBuilder(
                                    URI.create("https://localhost:" + h.port() + "/hello")).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            assertEquals("Hello, World!", hello.body(), "request " + r + " of client " + i);
                        }
                    }
                }
                h.awaitOpen(silentCount);   // the clients' connections gone; every silent one still there
                h.advance(HANDSHAKE_TIMEOUT.minusMillis(1));
                assertEquals(silentCount, h.server.stats().openConnections(), "1 ms before the timeout, none is closed");
                h.advance(Duration.ofMillis(1));
                for (Socket s : silent) {
                    byte[] answer = s.getInputStream().readAllBytes();   // ends at the server's close (30 s read timeout)
                    assertTrue(answer.length == 0 || answer[0] == 21, "an alert record at most, never data");
                }
                h.assertNothingLeaks();
                assertEquals(silentCount, h.server.tlsStats().handshakeFailures(), h.server.tlsStats().toString());
                assertEquals(10, h.server.tlsStats().handshakes(), h.server.tlsStats().toString());
            } finally {
                for (Socket s : silent) {
                    s.close();
                }
            }
        }
    }

    @Test
    void overTlsTheHeaderTimeoutCountsFromTheEndOfTheHandshakeWhichHasItsOwnTimeout() throws Exception {
        Duration header = Duration.ofSeconds(5);
        Duration handshake = Duration.ofSeconds(20);   // longer than the header timeout: it must still hold
        try (Harness h = new Harness(ServerConfig.DEFAULT.withHeaderTimeout(header).withHandshakeTimeout(handshake),
                new ManualClock(), server)) {
            try (Socket silent = h.connect();   // no ClientHello, ever
                 SSLSocket quiet = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), h.port())) {
                quiet.setSoTimeout(30_000);
                quiet.startHandshake();   // then no request
                h.await("the server's end of the handshake", () -> h.server.tlsStats().handshakes() == 1);
                h.awaitOpen(2);
                h.advance(header);
                String answer = new String(quiet.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.1 408 "), "the header timeout, from the handshake's end: " + answer);
                quiet.close();
                h.awaitOpen(1);   // the silent one is still there: its wait is the handshake's
                h.advance(handshake.minus(header).minusMillis(1));
                assertEquals(1, h.server.stats().openConnections(), "1 ms before the handshake timeout");
                h.advance(Duration.ofMillis(1));
                byte[] last = silent.getInputStream().readAllBytes();   // ends at the server's close
                assertTrue(last.length == 0 || last[0] == 21, "an alert record at most");
            }
            h.assertNothingLeaks();
        }
    }

    @Test
    void readersThatStopMidResponseHoldAtMostTheWatermarkInCiphertextAndAreDroppedAtTheWriteStall() throws Exception {
        int readers = 20;
        try (Harness h = new Harness(ServerConfig.DEFAULT, new ManualClock(), server)) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < readers; i++) {
                    Socket tcp = new Socket();
                    tcp.setReceiveBufferSize(4096);   // a small window: the kernel holds little on our side
                    tcp.setSoTimeout(30_000);
                    tcp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), h.port()));
                    SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(tcp, "localhost", h.port(), true);
                    slow.add(tls);
                    tls.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    tls.getOutputStream().flush();
                    String start = new String(tls.getInputStream().readNBytes(15), StandardCharsets.US_ASCII);
                    assertEquals("HTTP/1.1 200 OK", start, "the response has begun; from here on, nobody reads");
                }
                h.awaitOpen(readers);
                long maxQueued = h.dropStalledReaders(readers);
                System.out.printf("slow TLS readers: %d held at most %d bytes of ciphertext queued in our heap (%d each;"
                        + " watermark %d), and were dropped at the write stall%n", readers, maxQueued, maxQueued / readers,
                        TcpConnection.DEFAULT_HIGH_WATERMARK);
                for (Socket s : slow) {
                    s.close();
                }
                h.assertNothingLeaks();
                try (HttpClient https = HttpClient.newBuilder().sslContext(client).build()) {
                    assertEquals("Hello, World!", https.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + h.port() + "/hello")).build(),
                            HttpResponse.BodyHandlers.ofString()).body(), "and the next client is served");
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
