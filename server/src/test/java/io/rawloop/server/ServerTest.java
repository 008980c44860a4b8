package io.rawloop.server;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.http.HttpEvent;
import io.rawloop.http.ResponseHead;
import io.rawloop.http.ResponseParser;
import io.rawloop.loop.ManualClock;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server against the JDK's HttpClient and raw sockets. Timeouts run on a manual clock. */
@Timeout(60)
class ServerTest {

    private final ManualClock clock = new ManualClock();
    private HttpServer server;
    private HttpClient client;
    private URI base;

    static Router routes() {
        return new Router()
                .get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")))
                .any("/echo", Handler.of(r -> Response.text(200, r.method() + " " + r.bodyText())))
                .get("/items/{id}", Handler.of(r -> Response.text(200, "item " + r.pathParameter("id"))))
                .get("/boom", Handler.of(r -> {
                    throw new IllegalStateException("boom (expected in the test log)");
                }))
                .get("/offloaded", Handler.coroutine(r -> {
                    String worker = await(r.loop().offload(() -> Thread.currentThread().getName()));
                    return Response.text(200, "computed on " + worker.replaceAll("-\\d+$", ""));
                }))
                .get("/stream", Handler.of(r -> Response.stream(200, "text/plain", out -> {
                    out.write(ByteBuffer.wrap("a".getBytes(StandardCharsets.US_ASCII)));
                    out.write(ByteBuffer.wrap("b".getBytes(StandardCharsets.US_ASCII)));
                    out.write(ByteBuffer.wrap("c".getBytes(StandardCharsets.US_ASCII)));
                    out.end();
                })))
                .get("/n/{i}", Handler.of(r -> Response.text(200, "response " + r.pathParameter("i"))));
    }

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes(), clock);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        base = URI.create("http://127.0.0.1:" + server.port());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theJdkClientGetsAnswersOverOneKeptAliveConnection() throws Exception {
        HttpResponse<String> hello = get("/hello");
        assertEquals(200, hello.statusCode());
        assertEquals("Hello, World!", hello.body());
        assertEquals("13", hello.headers().firstValue("content-length").orElseThrow());
        assertEquals("rawloop", hello.headers().firstValue("server").orElseThrow());
        assertTrue(hello.headers().firstValue("date").isPresent());
        assertEquals("item 42", get("/items/42").body());
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get("/hello").statusCode());
        }
        assertEquals(1, server.stats().acceptedConnections(), "every request reused the first connection");
    }

    @Test
    void headPostNotFoundMethodNotAllowedAndHandlerFailures() throws Exception {
        HttpResponse<String> head = client.send(HttpRequest.newBuilder(base.resolve("/hello"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("13", head.headers().firstValue("content-length").orElseThrow());

        HttpResponse<String> post = client.send(HttpRequest.newBuilder(base.resolve("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("payload")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("POST payload", post.body());

        assertEquals(404, get("/nowhere").statusCode());
        HttpResponse<String> put = client.send(HttpRequest.newBuilder(base.resolve("/hello"))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, put.statusCode());
        assertEquals("GET, HEAD", put.headers().firstValue("allow").orElseThrow());

        HttpResponse<String> boom = get("/boom");
        assertEquals(500, boom.statusCode());
        assertEquals("500 Internal Server Error: the handler failed; the server log has the details\n", boom.body());
        assertEquals(200, get("/hello").statusCode(), "the server carries on");
    }

    @Test
    void expectContinueCoroutinesAndStreams() throws Exception {
        byte[] large = new byte[200_000];
        java.util.Arrays.fill(large, (byte) 'x');
        HttpResponse<String> continued = client.send(HttpRequest.newBuilder(base.resolve("/echo")).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(large)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, continued.statusCode());
        assertEquals(5 + large.length, continued.body().length(), "the body was sent after the 100 and read whole");

        assertEquals("computed on rawloop-server-1-offload", get("/offloaded").body());

        HttpResponse<String> streamed = get("/stream");
        assertEquals("abc", streamed.body());
        assertEquals("chunked", streamed.headers().firstValue("transfer-encoding").orElseThrow());
    }

    @Test
    void thirtyTwoPipelinedRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            requests.append("GET /n/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            List<String> bodies = readResponses(socket.getInputStream(), 32);
            for (int i = 0; i < 32; i++) {
                assertEquals("200 response " + i, bodies.get(i));
            }
        }
    }

    @Test
    void aMalformedRequestGetsItsStatusAndACloseAndOthersAreStillServed() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n"), all);
            int second = all.indexOf("HTTP/1.1 400 Bad Request\r\n");
            assertTrue(second > 0, all);
            assertTrue(all.substring(second).contains("Connection: close\r\n"), all);
            assertTrue(all.endsWith("400 Bad Request: more than one Content-Length field\n"), all);
        }
        assertEquals(200, get("/hello").statusCode());
    }

    @Test
    void missingHostIsRefused() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 400 Bad Request\r\n"), all);
            assertTrue(all.endsWith("HTTP/1.1 request without a Host header\n"), all);
        }
    }

    @Test
    void aHeadTrickledOneByteASecondIs408AtTheHeaderTimeoutOnTheManualClock() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            OutputStream out = socket.getOutputStream();
            awaitOpenConnections(1);
            // Slowloris: every byte arrives in time for a per-read timeout, never for the whole head.
            byte[] head = "GET /hello HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 9; i++) {
                out.write(head[i]);
                out.flush();
                clock.advance(Duration.ofSeconds(1));
                server.wakeLoops();
            }
            out.write(head[9]);
            clock.advance(Duration.ofSeconds(1));
            server.wakeLoops();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(all.startsWith("HTTP/1.1 408 Request Timeout\r\n"), all);
            assertTrue(all.endsWith("the request head did not arrive within 10000 ms\n"), all);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertEquals(List.of("200 Hello, World!"), readResponses(in, 1));
            // We may read the response before the callback that wrote it has armed the idle timer:
            // one turn of the loop first, or the timer would start after the clock moved.
            server.loops().get(0).submit(() -> null).join();
            clock.advance(Duration.ofSeconds(60));
            server.wakeLoops();
            assertEquals(-1, in.read(), "closed by the server after 60 idle seconds");
        }
    }

    private void awaitOpenConnections(int n) {
        // The accept happens on the loop (and arms the header timer there, at the clock's time):
        // turns of the loop until it has happened, for at most 30 s of real time.
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.stats().openConnections() < n) {
            assertTrue(System.nanoTime() - deadline < 0, "not " + n + " open connections within 30 s: " + server.stats());
            server.loops().get(0).submit(() -> null).join();   // one turn of the loop
        }
    }

    /** Reads {@code n} responses with our own parser; returns "status body" for each. */
    static List<String> readResponses(InputStream in, int n) throws Exception {
        ResponseParser parser = new ResponseParser();
        List<String> out = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        ResponseHead head = null;
        byte[] buffer = new byte[8192];
        while (out.size() < n) {
            int read = in.read(buffer);
            if (read < 0) {
                throw new AssertionError("connection closed after " + out.size() + " responses");
            }
            ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, read);
            for (HttpEvent e; (e = parser.parse(bytes)) != HttpEvent.NEED_MORE; ) {
                switch (e) {
                    case HEAD -> {
                        head = parser.head();
                        body.setLength(0);
                    }
                    case BODY -> body.append(StandardCharsets.UTF_8.decode(parser.body()));
                    case COMPLETE -> out.add(head.status() + " " + body);
                    default -> { }
                }
            }
        }
        return out;
    }
}
