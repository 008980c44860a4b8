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
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < 200; i++) {
                    Socket s = h.connect();
                    s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789"
                            .getBytes(StandardCharsets.US_ASCII));
                    slow.add(s);
                }
                h.await("200 bodies started", () -> h.server.stats().openConnections() == 200);
                h.sync();
                h.advance(Duration.ofSeconds(29));
                for (Socket s : slow) {
                    s.getOutputStream().write('x');   // one byte within the gap: the timer starts over
                }
                long read = h.loop().submit(() -> h.loop().stats().iterations()).join();
                h.await("the bytes were read", () -> h.loop().submit(() -> h.loop().stats().iterations()).join() > read + 5);
                h.advance(Duration.ofSeconds(29));
                assertEquals(200, h.server.stats().openConnections(), "a body that keeps the gap is not cut");
                assertEquals(0, h.server.stats().rejected());
                h.advance(Duration.ofSeconds(1));
                for (Socket s : slow) {
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                    assertTrue(answer.endsWith("the request body stalled for 30000 ms\n"), answer);
                    s.close();
                }
                h.assertNothingLeaks();
            } finally {
                for (Socket s : slow) {
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
                // Each producer is stuck once the kernel holds all it will take: then its last
                // chunk stays in our queue, and the queue can only hold that much more.
                // (The kernel's send buffer grows to 4 MiB per connection first: tcp_wmem.)
                h.await("every reader's kernel buffers full", () -> h.queuedBytes() >= readers * 16384L && h.idle());
                long queued = h.queuedBytes();
                long bound = (long) readers * TcpConnection.DEFAULT_HIGH_WATERMARK;
                System.out.printf("slow readers: %d hold %d bytes queued in the heap (%d each; watermark %d)%n",
                        readers, queued, queued / readers, TcpConnection.DEFAULT_HIGH_WATERMARK);
                assertTrue(queued <= bound, queued + " bytes queued for " + readers + " readers that never read");
                for (int i = 0; i < 20 && h.server.stats().writeStalls() < readers; i++) {
                    h.advance(Duration.ofSeconds(30));
                }
                assertEquals(readers, h.server.stats().writeStalls(), "every reader that stopped was dropped");
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
