package io.rawloop.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.EventLoop;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A response split at every byte across reads gives the same result. The server sends the first
 * k bytes, waits until the client has read exactly those (its byte counter says so: no sleeping,
 * no hoping TCP splits where we want), then sends the rest; and once a byte at a time.
 */
@Timeout(120)
class SplitResponseTest {

    private static final List<String> RESPONSES = List.of(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-T: t\r\n\r\n",
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");

    @Test
    void everySplitOfEveryResponseGivesTheSameResponse() throws Throwable {
        try (EventLoop loop = EventLoop.create()) {
            loop.start();
            HttpClient client = Loops.on(loop, () -> HttpClient.create(loop));
            for (String text : RESPONSES) {
                byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
                int[] split = new int[1];
                try (ScriptedServer server = new ScriptedServer((s, index) -> {
                    // Each piece goes out at once: without this, Nagle holds every small write
                    // until the client's (delayed) ACK of the one before, 40 ms a piece.
                    s.setTcpNoDelay(true);
                    InputStream in = s.getInputStream();
                    while (true) {
                        ScriptedServer.readHead(in);
                        if (split[0] == 0) {
                            for (int i = 0; i < bytes.length; i++) {
                                sendAndWait(s, loop, client, bytes, i, i + 1);
                            }
                        } else {
                            sendAndWait(s, loop, client, bytes, 0, split[0]);
                            sendAndWait(s, loop, client, bytes, split[0], bytes.length);
                        }
                    }
                })) {
                    HttpResponse whole = null;
                    for (int k = 0; k < bytes.length; k++) {
                        split[0] = k;   // 0: one byte at a time
                        HttpResponse r = Loops.await(loop, () -> client.get(server.url("/")));
                        if (whole == null) {
                            whole = r;
                        }
                        assertEquals(whole.status(), r.status(), "split at " + k);
                        assertEquals(whole.headers(), r.headers(), "split at " + k);
                        assertEquals(whole.bodyText(), r.bodyText(), "split at " + k);
                        assertEquals(whole.trailers(), r.trailers(), "split at " + k);
                    }
                    assertEquals(1, server.accepted(), "one kept-alive connection for every split");
                }
            }
        }
    }

    /** Writes bytes[from, to) and waits until the client has read them. */
    private static void sendAndWait(Socket s, EventLoop loop, HttpClient client, byte[] bytes, int from, int to)
            throws Exception {
        long before = Loops.on(loop, () -> client.stats().bytesReceived());
        s.getOutputStream().write(bytes, from, to - from);
        s.getOutputStream().flush();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Loops.on(loop, () -> client.stats().bytesReceived()) < before + (to - from)) {
            assertTrue(System.nanoTime() < deadline, "the client did not read bytes " + from + " to " + to);
        }
    }
}
