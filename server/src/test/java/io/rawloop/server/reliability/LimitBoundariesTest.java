package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.http.HttpLimits;
import io.rawloop.server.ServerConfig;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every limit of ServerConfig.DEFAULT (the design page's limits table), through the server, at exactly its boundary: the limit passes, one
 * more (byte, field, millisecond, connection) gets the table's answer. Time is a manual clock.
 * The rows answered elsewhere: the outgoing watermarks (loop's BackpressureTest), the accept
 * back-off ({@link DescriptorExhaustionTest}), the shutdown deadline (ServerShutdownTest), and the
 * write stall ({@link SlowPeersTest}; it is checked every 30 s, so a client that stops reading is
 * dropped between 30 and 60 s after its last progress, which is why it has no exact boundary here).
 */
@Timeout(120)
class LimitBoundariesTest {

    private static final HttpLimits LIMITS = ServerConfig.DEFAULT.limits();
    private static final Duration MS = Duration.ofMillis(1);
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(ServerConfig.DEFAULT);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The status the server answers {@code request} with, on a fresh connection. */
    private int status(String request) throws Exception {
        try (Socket s = h.connect()) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return Integer.parseInt(Harness.readResponse(s.getInputStream()).substring(0, 3));
        }
    }

    @Test
    void requestLine() throws Exception {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        int room = LIMITS.maxStartLine() - prefix.length() - suffix.length();
        assertEquals(404, status(prefix + "a".repeat(room) + suffix + "\r\nHost: x\r\n\r\n"), "8 KiB: read, not found");
        assertEquals(414, status(prefix + "a".repeat(room + 1) + suffix + "\r\nHost: x\r\n\r\n"));
    }

    @Test
    void headerSectionBytes() throws Exception {
        String host = "Host: x\r\n";
        int room = LIMITS.maxHeaderBytes() - host.length() - "X: \r\n".length();
        assertEquals(200, status("GET /hello HTTP/1.1\r\n" + host + "X: " + "v".repeat(room) + "\r\n\r\n"));
        assertEquals(431, status("GET /hello HTTP/1.1\r\n" + host + "X: " + "v".repeat(room + 1) + "\r\n\r\n"));
    }

    @Test
    void headerFieldCount() throws Exception {
        StringBuilder fields = new StringBuilder("Host: x\r\n");
        for (int i = 1; i < LIMITS.maxHeaderCount(); i++) {
            fields.append("X").append(i).append(": v\r\n");
        }
        assertEquals(200, status("GET /hello HTTP/1.1\r\n" + fields + "\r\n"));
        assertEquals(431, status("GET /hello HTTP/1.1\r\n" + fields + "Y: v\r\n\r\n"));
    }

    @Test
    void requestBody() throws Exception {
        int max = (int) LIMITS.maxBody();
        String body = "x".repeat(max);
        String head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ";
        assertEquals(200, status(head + max + "\r\n\r\n" + body));
        assertEquals(413, status(head + (max + 1) + "\r\n\r\n"));
        String chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertEquals(200, status(chunked + Integer.toHexString(max) + "\r\n" + body + "\r\n0\r\n\r\n"));
        assertEquals(413, status(chunked + Integer.toHexString(max) + "\r\n" + body + "\r\n1\r\nx\r\n0\r\n\r\n"));
    }

    @Test
    void headerTimeout() throws Exception {
        try (Socket s = h.connect()) {
            s.getOutputStream().write("GET /hello HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            h.awaitOpen(1);
            h.advance(ServerConfig.DEFAULT.headerTimeout().minus(MS));
            assertEquals(0, s.getInputStream().available(), "nothing at 10 s - 1 ms");
            assertEquals(0, h.server.stats().rejected());
            h.advance(MS);
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 408 "), "408 at 10 s");
        }
    }

    @Test
    void bodyGap() throws Exception {
        try (Socket s = h.connect()) {
            // Expect: 100-continue makes the server say when it starts waiting for the body.
            s.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue", Harness.readLine(s.getInputStream()));
            assertEquals("", Harness.readLine(s.getInputStream()));   // the gap counts from here: no byte comes
            h.advance(ServerConfig.DEFAULT.bodyGapTimeout().minus(MS));
            assertEquals(0, h.server.stats().rejected(), "nothing at 30 s - 1 ms");
            h.advance(MS);
            assertTrue(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.1 408 "), "408 at 30 s");
        }
    }

    @Test
    void keepAliveIdle() throws Exception {
        try (Socket s = h.connect()) {
            assertEquals("200 Hello, World!", Harness.exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
            h.advance(ServerConfig.DEFAULT.idleTimeout().minus(MS));
            assertEquals(1, h.server.stats().openConnections(), "open at 60 s - 1 ms");
            h.advance(MS);
            assertEquals(-1, s.getInputStream().read(), "closed at 60 s, without a response");
        }
    }

    @Test
    void openConnections() throws Exception {
        int cap = 100;   // the 10,000 default scaled down; the same code counts
        ServerConfig config = ServerConfig.DEFAULT.withLimits(LIMITS).withMaxConnections(cap);
        try (Harness capped = new Harness(config)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < cap; i++) {
                    Socket s = capped.connect();
                    assertEquals("200 Hello, World!", Harness.exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"),
                            "connection " + (i + 1) + " of " + cap);
                    open.add(s);
                }
                Socket over = capped.connect();   // completed by the kernel, not accepted by the server
                open.add(over);
                over.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                capped.sync();
                capped.sync();
                assertEquals(cap, capped.server.stats().openConnections());
                assertEquals(0, over.getInputStream().available(), "the one over the cap waits");
                open.remove(0).close();
                InputStream in = over.getInputStream();
                assertEquals("200 Hello, World!", Harness.readResponse(in), "served once one left");
            } finally {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }
}
