package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.TcpConnection;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threats: the slow POST (a body trickled slower than the server will wait) and the slow reader
 * (a client that asks for a long response and never reads it, so the server's queue would grow).
 * Answers: the body-gap timeout (30 s between reads: 408, close) and the write-stall timeout (30 s
 * without progress: close); meanwhile a producer that awaits its writes is held back, so each slow
 * reader holds at most the outgoing high watermark in our heap.
 */
@Timeout(120)
class SlowPeersTest {

    @Test
    void slowBodiesLiveWhileTheyKeepTheGapAndGet408WhenTheyStall() throws Exception {
        try (Harness h = new Harness(ServerConfig.DEFAULT)) {
            List<Socket> keeping = new ArrayList<>();
            List<Socket> stalling = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = h.connect();
                    // Expect: 100-continue: the server says when it starts waiting for the body.
                    s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                            + "Content-Length: " + (i % 2 == 0 ? 12 : 1000) + "\r\n\r\n0123456789")
                            .getBytes(StandardCharsets.US_ASCII));
                    assertEquals("HTTP/1.1 100 Continue", Harness.readLine(s.getInputStream()));
                    assertEquals("", Harness.readLine(s.getInputStream()));
                    (i % 2 == 0 ? keeping : stalling).add(s);
                }
                h.advance(Duration.ofSeconds(29));
                for (Socket s : keeping) {
                    s.getOutputStream().write('x');   // within the gap: the timer starts over
                }
                h.sync();
                h.advance(Duration.ofSeconds(1).minusMillis(1));
                assertEquals(0, h.server.stats().rejected(), "at 30 s - 1 ms, no body has stalled yet");
                h.advance(Duration.ofMillis(1));
                for (Socket s : stalling) {
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                    assertTrue(answer.endsWith("the request body stalled for 30000 ms\n"), answer);
                    s.close();
                }
                h.advance(Duration.ofSeconds(28));
                for (Socket s : keeping) {
                    s.getOutputStream().write('y');   // the last byte, 28 s after the one before
                    assertEquals("200 0123456789xy", Harness.readResponse(s.getInputStream()), "a body that keeps the gap lives");
                    s.close();
                }
                assertEquals(100, h.server.stats().rejected());
                h.assertNothingLeaks();
            } finally {
                for (Socket s : keeping) {
                    s.close();
                }
                for (Socket s : stalling) {
                    s.close();
                }
            }
        }
    }

    @Test
    void slowReadersHoldAtMostTheWatermarkAndAreDroppedAtTheWriteStall() throws Exception {
        int readers = 50;
        try (Harness h = new Harness(ServerConfig.DEFAULT)) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < readers; i++) {
                    Socket s = new Socket();
                    s.setReceiveBufferSize(4096);   // a small window: the kernel holds little on our side
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), h.port()));
                    s.getOutputStream().write("GET /endless HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                h.awaitOpen(readers);
                // Until the kernel has taken all it will (its send buffer grows to 4 MiB per
                // connection: tcp_wmem), the producers make progress; then each is stuck with one
                // chunk queued. Throughout, the queue must stay under the watermark per reader.
                long maxQueued = h.dropStalledReaders(readers);
                System.out.printf("slow readers: %d of them held at most %d bytes queued in our heap (%d each;"
                        + " watermark %d), and were dropped at the write stall%n", readers, maxQueued, maxQueued / readers,
                        TcpConnection.DEFAULT_HIGH_WATERMARK);
                for (Socket s : slow) {
                    s.close();
                }
                h.assertNothingLeaks();
                try (Socket normal = h.connect()) {
                    assertEquals("200 Hello, World!", Harness.exchange(normal, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
                }
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }
}
