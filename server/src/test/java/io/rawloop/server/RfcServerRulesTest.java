package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.ResponseParser;
import io.rawloop.loop.ManualClock;
import io.rawloop.loop.Promise;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's side of RFC 9112 and RFC 9110 §9 and §15, through real sockets: the rules of
 * src/site/markdown/reference-rfc.md that need a server to show them. Time is a manual clock;
 * every wait is on an event, with a deadline.
 */
@Timeout(60)
class RfcServerRulesTest {

    private final ManualClock clock = new ManualClock();
    private final AtomicReference<Promise<Response>> slow = new AtomicReference<>();
    private HttpServer server;

    private Router routes() {
        return ServerTest.routes()
                .get("/nocontent", Handler.of(r -> Response.text(204, "never sent")))
                .get("/notmodified", Handler.of(r -> Response.text(304, "never sent")))
                .get("/closing", Handler.of(r -> Response.text(200, "bye").header("Connection", "close")))
                .get("/stream-with-length", Handler.of(r -> Response.stream(200, "text/plain", out -> {
                    out.write(ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)));
                    out.end();
                }).header("Content-Length", "3")))
                .get("/bytes-with-coding", Handler.of(r -> Response.text(200, "abc").header("Transfer-Encoding", "chunked")))
                .get("/slow", (request, loop) -> {
                    Promise<Response> p = loop.newPromise();
                    slow.set(p);
                    return p;
                });
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes(), clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // region 9112 §2 and §3: what comes before and in the request line, Host

    @Test
    void emptyLinesBeforeARequestLineAreIgnoredEvenBetweenPipelinedRequests() throws Exception {
        List<Answer> answers = exchange("\r\n\r\nPOST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx"
                + "\r\n"   // the extra CRLF old clients send after a POST body (RFC 9112 §2.2)
                + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "POST", "GET");
        assertEquals(List.of("200 POST x", "200 Hello, World!"), statuses(answers));
    }

    @Test
    void aRequestWithAnInvalidHostValueIs400AndClosed() throws Exception {
        String all = sendAndReadAll("GET /hello HTTP/1.1\r\nHost: a/b\r\n\r\n");
        assertTrue(all.startsWith("HTTP/1.1 400 Bad Request\r\n"), all);
        assertTrue(all.contains("\r\nConnection: close\r\n"), all);
        assertTrue(all.endsWith("invalid Host header value (expected host[:port])\n"), all);
    }

    @Test
    void anAbsoluteFormTargetIsAccepted() throws Exception {
        List<Answer> answers = exchange("GET http://x/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET");
        assertEquals(List.of("200 Hello, World!"), statuses(answers));
    }

    @Test
    void anHttp12RequestIsServedAsHttp11OnAKeptAliveConnection() throws Exception {
        List<Answer> answers = exchange("GET /hello HTTP/1.2\r\nHost: x\r\n\r\n"
                + "GET /n/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET", "GET");
        assertEquals(List.of("200 Hello, World!", "200 response 2"), statuses(answers));
        assertNull(answers.get(0).headers.get("Connection"), "kept alive, as HTTP/1.1 is by default");
    }

    @Test
    void a505SaysWhyAndWhichVersionsAreSupported() throws Exception {
        String all = sendAndReadAll("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n");
        assertTrue(all.startsWith("HTTP/1.1 505 HTTP Version Not Supported\r\n"), all);
        assertTrue(all.endsWith("HTTP version 2.0 is not supported: only HTTP/1.1 and HTTP/1.0 are\n"), all);
    }

    // endregion

    // region 9112 §6: framing of what the server sends, and reading what it is sent

    @Test
    void aBodyIsReadWholeBeforeTheNextRequestEvenWhenItLooksLikeOne() throws Exception {
        String inner = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";
        List<Answer> answers = exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + inner.length() + "\r\n\r\n"
                + inner + "GET /n/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "POST", "GET");
        assertEquals(List.of("200 POST " + inner, "200 response 2"), statuses(answers));
        assertEquals(2, server.stats().requests(), "the body was not taken for a request");
    }

    @Test
    void aStreamedResponseToHttp10IsNotChunkedAndEndsWithTheConnection() throws Exception {
        String all = sendAndReadAll("GET /stream HTTP/1.0\r\n\r\n");
        assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
        assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding"), all);
        assertFalse(all.toLowerCase(java.util.Locale.ROOT).contains("content-length"), all);
        assertTrue(all.endsWith("\r\n\r\nabc"), "the body ends with the connection: " + all);
    }

    @Test
    void anHttp10RequestWithTransferEncodingIsAnsweredThenClosed() throws Exception {
        String all = sendAndReadAll("POST /echo HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\nx\r\n0\r\n\r\nGET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
        assertTrue(all.contains("\r\nConnection: close\r\n"), all);
        assertTrue(all.endsWith("POST x"), "one answer, then the close (RFC 9112 §6.1): " + all);
        assertEquals(1, server.stats().requests());
    }

    @Test
    void aHeadResponseHasTheFieldsOfAGetAndNoContent() throws Exception {
        List<Answer> answers = exchange("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "HEAD", "GET");
        assertEquals(List.of("200 ", "200 Hello, World!"), statuses(answers), "no byte of content after the HEAD's head");
        assertEquals(answers.get(1).headers.get("Content-Length"), answers.get(0).headers.get("Content-Length"));
        assertEquals(answers.get(1).headers.get("Content-Type"), answers.get(0).headers.get("Content-Type"));
    }

    @Test
    void a204And304CarryNoContentAndNoContentLengthAndThe304HasDate() throws Exception {
        List<Answer> answers = exchange("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /notmodified HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET", "GET", "GET");
        assertEquals(List.of("204 ", "304 ", "200 Hello, World!"), statuses(answers),
                "no content bytes after the 204's or the 304's head");
        for (Answer a : answers.subList(0, 2)) {
            assertNull(a.headers.get("Content-Length"), a.status + " has no Content-Length");
            assertNull(a.headers.get("Transfer-Encoding"), a.status + " has no Transfer-Encoding");
        }
        assertNotNull(answers.get(1).headers.get("Date"), "a 304 has the Date a 200 would have (RFC 9110 §15.4.5)");
    }

    @Test
    void aHandlersFramingFieldNeverDoublesTheServersFraming() throws Exception {
        for (String path : List.of("/stream-with-length", "/bytes-with-coding")) {
            String all = sendAndReadAll("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .toLowerCase(java.util.Locale.ROOT);
            String head = all.substring(0, all.indexOf("\r\n\r\n") + 2);
            assertTrue(head.startsWith("http/1.1 500 "), "Response.header refuses a framing field: " + head);
            boolean te = head.contains("\r\ntransfer-encoding:");
            boolean cl = head.contains("\r\ncontent-length:");
            assertFalse(te && cl, path + ": Content-Length beside Transfer-Encoding: " + head);
            assertEquals(head.indexOf("\r\ntransfer-encoding:"), head.lastIndexOf("\r\ntransfer-encoding:"), head);
            assertEquals(head.indexOf("\r\ncontent-length:"), head.lastIndexOf("\r\ncontent-length:"), head);
        }
    }

    // endregion

    // region 9112 §9: persistence, pipelining, closing

    @Test
    void anHttp10RequestIsAnsweredThenClosedUnlessItAsksForKeepAlive() throws Exception {
        String closed = sendAndReadAll("GET /hello HTTP/1.0\r\n\r\nGET /n/2 HTTP/1.0\r\n\r\n");
        assertTrue(closed.contains("\r\nConnection: close\r\n"), closed);
        assertTrue(closed.endsWith("Hello, World!"), "one answer, then the close: " + closed);

        List<Answer> kept = exchange("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                + "GET /n/2 HTTP/1.0\r\n\r\n", "GET", "GET");
        assertEquals(List.of("200 Hello, World!", "200 response 2"), statuses(kept));
        assertEquals("keep-alive", kept.get(0).headers.get("Connection"));
        assertEquals("close", kept.get(1).headers.get("Connection"));
    }

    @Test
    void aRequestSayingCloseIsTheLastOneProcessed() throws Exception {
        String all = sendAndReadAll("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                + "GET /n/2 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(all.contains("\r\nConnection: close\r\n"), "the server says close too: " + all);
        assertTrue(all.endsWith("Hello, World!"), "one answer, then the close: " + all);
        assertEquals(1, server.stats().requests(), "the request after the close was not processed");
    }

    @Test
    void aResponseSayingCloseIsTheLastOneSent() throws Exception {
        // The second request says close too, so that the bug shows as a second answer, not a hang.
        String all = sendAndReadAll("GET /closing HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /n/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(all.endsWith("bye"), "one answer, then the close: " + all);
        assertEquals(1, server.stats().requests(), "the request after the close was not processed");
    }

    @Test
    void responsesGoOutInRequestOrderWhenALaterOneIsReadyFirst() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.stats().requests() < 2) {
                assertTrue(System.nanoTime() < deadline, "both requests reach the handlers");
                syncWithLoop();
            }
            // /hello was answered at once and waits behind /slow; now /slow answers.
            server.loops().get(0).execute(() -> slow.get().complete(Response.text(200, "slow")));
            List<Answer> answers = read(socket.getInputStream(), "GET", "GET");
            assertEquals(List.of("200 slow", "200 Hello, World!"), statuses(answers));
        }
    }

    @Test
    void a408SaysCloseAndTheConnectionCloses() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost:".getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.stats().openConnections() == 0) {
                assertTrue(System.nanoTime() < deadline, "the connection is accepted");
                syncWithLoop();
            }
            syncWithLoop();
            clock.advance(ServerConfig.DEFAULT.headerTimeout());
            server.wakeLoops();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 408 Request Timeout\r\n"), all);
            assertTrue(all.contains("\r\nConnection: close\r\n"), all);
        }
    }

    // endregion

    // region 9110 §9 and §15: methods and status codes

    @Test
    void aMethodNoResourceSupportsIs501() throws Exception {
        // These routes have an any-method route (/echo): BREW is supported there, so elsewhere it
        // is a 405 (RFC 9110 §15.6.2: 501 is for a method "not capable of supporting it for any resource").
        String here = sendAndReadAll("BREW /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(here.startsWith("HTTP/1.1 405 Method Not Allowed\r\n"), here);
        server.close();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                new Router().get("/hello", Handler.of(r -> Response.text(200, "Hello, World!"))), clock);
        String all = sendAndReadAll("BREW /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(all.startsWith("HTTP/1.1 501 Not Implemented\r\n"), all);
        assertTrue(all.endsWith("method BREW is not implemented by this server\n"), all);
        String nowhere = sendAndReadAll("BREW /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(nowhere.startsWith("HTTP/1.1 501 Not Implemented\r\n"), "whatever the path: " + nowhere);
    }

    @Test
    void aConnectRequestIsRefusedAndTheConnectionClosed() throws Exception {
        String all = sendAndReadAll("CONNECT a.example: HTTP/1.1\r\nHost: a.example:\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
        int status = Integer.parseInt(all.substring(9, 12));
        assertTrue(status >= 400, "no tunnel to an empty port (RFC 9110 §9.3.6): " + all);
        assertEquals(1, server.stats().requests(), "nothing after the CONNECT is read as HTTP");
    }

    @Test
    void a2xxToConnectCarriesNoFramingFields() throws Exception {
        server.close();
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                Handler.of(r -> Response.text(200, "tunnel?")), clock);
        String all = sendAndReadAll("CONNECT a.example:443 HTTP/1.1\r\nHost: a.example:443\r\n\r\n");
        String head = all.substring(0, all.indexOf("\r\n\r\n") + 2).toLowerCase(java.util.Locale.ROOT);
        assertTrue(head.startsWith("http/1.1 200 "), all);
        assertFalse(head.contains("\r\ncontent-length:") || head.contains("\r\ntransfer-encoding:"), all);
    }

    @Test
    void noInterimResponseGoesToAnHttp10Client() throws Exception {
        String http10 = sendAndReadAll("POST /echo HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx");
        assertTrue(http10.startsWith("HTTP/1.1 200 OK\r\n"), "no 100 before the answer: " + http10);
        String http11 = sendAndReadAll("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1\r\n"
                + "Connection: close\r\n\r\nx");
        assertTrue(http11.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"), "HTTP/1.1 gets it: " + http11);
    }

    // endregion

    // region helpers
    /** A response as read: status, fields, body. */
    record Answer(int status, Headers headers, String body) {
    }

    private static List<String> statuses(List<Answer> answers) {
        return answers.stream().map(a -> a.status + " " + a.body).toList();
    }

    /** Sends {@code requests} on a new connection and reads one response per method, in order. */
    private List<Answer> exchange(String requests, String... methods) throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            return read(socket.getInputStream(), methods);
        }
    }

    /** Sends {@code requests} and reads until the server closes. */
    private String sendAndReadAll(String requests) throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Reads one response per method with our own parser (HEAD: no body). */
    static List<Answer> read(InputStream in, String... methods) throws Exception {
        ResponseParser parser = new ResponseParser();
        List<Answer> out = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        byte[] buffer = new byte[8192];
        parser.expectResponseTo(methods[0]);
        while (out.size() < methods.length) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new AssertionError("connection closed after " + out.size() + " responses");
            }
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
            for (HttpEvent e; out.size() < methods.length && (e = parser.parse(bytes)) != HttpEvent.NEED_MORE; ) {
                switch (e) {
                    case HEAD -> body.setLength(0);
                    case BODY -> body.append(StandardCharsets.UTF_8.decode(parser.body()));
                    case COMPLETE -> {
                        out.add(new Answer(parser.head().status(), parser.head().headers(), body.toString()));
                        if (out.size() < methods.length) {
                            parser.expectResponseTo(methods[out.size()]);
                        }
                    }
                    default -> { }
                }
            }
        }
        return out;
    }

    /** Returns once the loop has run everything queued before this call. */
    private void syncWithLoop() {
        server.loops().get(0).submit(() -> null).join();
    }
    // endregion helpers
}
