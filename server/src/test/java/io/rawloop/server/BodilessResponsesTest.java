package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Responses that have no body send none, whatever kind of body the handler gave: no chunk
 * terminator after a streamed answer to HEAD (RFC 9110 §9.3.2), or after a streamed 204 or 304
 * (§15.3.5, §15.4.5). Five stray bytes {@code 0\r\n\r\n} once corrupted the next response on the
 * connection; each test pipelines a second request to see exactly where the first answer ends.
 */
@Timeout(60)
class BodilessResponsesTest {

    @TempDir
    Path dir;
    private HttpServer server;
    private final AtomicInteger producersStarted = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        Path page = Files.writeString(dir.resolve("page.txt"), "twelve bytes");
        Router routes = new Router()
                .get("/stream", Handler.of(r -> stream(200)))
                .get("/stream/204", Handler.of(r -> stream(204)))
                .get("/stream/304", Handler.of(r -> stream(304)))
                .get("/file", Handler.of(r -> {
                    try {
                        FileChannel channel = FileChannel.open(page, StandardOpenOption.READ);
                        return Response.file(200, "text/plain", channel, channel.size());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }))
                .get("/next", Handler.of(r -> Response.text(200, "next")));
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes);
    }

    private Response stream(int status) {
        return Response.stream(status, "text/plain", out -> {
            producersStarted.incrementAndGet();
            out.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
            out.end();
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends both requests in one write; returns everything the server sent until it closed. */
    private String exchange(String first) throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write((first + "GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /** The first response's head, after checking that the second response starts right behind it. */
    private static String firstHead(String all) {
        int end = all.indexOf("\r\n\r\n");
        assertTrue(end > 0, all);
        String rest = all.substring(end + 4);
        assertTrue(rest.startsWith("HTTP/1.1 200 OK\r\n"), "the next response follows the head at once, got: " + rest);
        assertTrue(rest.endsWith("\r\n\r\nnext"), rest);
        return all.substring(0, end + 2);
    }

    @Test
    void aStreamedAnswerToHeadHasTheHeadOfGetAndNoChunkAtAll() throws Exception {
        String head = firstHead(exchange("HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("Transfer-Encoding: chunked\r\n"), "the framing GET would have: " + head);
        assertEquals(0, producersStarted.get(), "nothing is produced for HEAD");
    }

    @ParameterizedTest
    @ValueSource(ints = {204, 304})
    void aStreamedNoContentOrNotModifiedHasNeitherFramingFieldNorBody(int status) throws Exception {
        String head = firstHead(exchange("GET /stream/" + status + " HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(head.startsWith("HTTP/1.1 " + status + " "), head);
        assertFalse(head.contains("Transfer-Encoding"), "RFC 9112 §6.1, RFC 9110 §15.4.5: " + head);
        assertFalse(head.contains("Content-Length"), "RFC 9110 §8.6: " + head);
    }

    @Test
    void aFileAnsweredToHeadHasItsLengthAndNoBody() throws Exception {
        String head = firstHead(exchange("HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertTrue(head.contains("Content-Length: 12\r\n"), head);
    }

    @Test
    void aStreamedAnswerToHeadFromHttp10KeepsTheConnectionWhenAsked() throws Exception {
        String all = exchange("HEAD /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        String head = firstHead(all);
        assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
        assertTrue(head.contains("Connection: keep-alive\r\n"), "no body to end with a close: " + head);
        assertFalse(head.contains("Transfer-Encoding"), "HTTP/1.0 has no chunked coding: " + head);
    }

    @Test
    void aStreamToHttp10IsCloseDelimited() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.contains("Connection: close\r\n"), all);
            assertFalse(all.contains("Transfer-Encoding"), all);
            assertTrue(all.endsWith("\r\n\r\nabc"), "the body, ended by the close: " + all);
        }
    }
}
