package io.rawloop.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.EventLoop;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against the JDK's built-in HTTP server, and against scripted sockets for what no
 * polite server sends on demand: keep-alive reuse counted on the server's side, HEAD, 204, 304,
 * 1xx, close-delimited bodies, Connection: close, and a kept-alive connection that went stale.
 */
@Timeout(60)
class ServersTest extends ClientOnLoop {

    @Test
    void keepAliveReuseIsRealOnTheJdkServer() throws Exception {
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        com.sun.net.httpserver.HttpServer jdk = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        jdk.createContext("/", x -> {
            clientPorts.add(x.getRemoteAddress().getPort());
            byte[] body = ("path " + x.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            switch (x.getRequestURI().getPath()) {
                case "/nocontent" -> x.sendResponseHeaders(204, -1);
                case "/notmodified" -> x.sendResponseHeaders(304, -1);
                case "/head" -> {
                    x.getResponseHeaders().set("Content-Length", "10");   // what a GET would have
                    x.sendResponseHeaders(200, -1);
                }
                default -> {
                    x.sendResponseHeaders(200, body.length);
                    x.getResponseBody().write(body);
                }
            }
            x.close();
        });
        jdk.start();
        try {
            String base = "http://127.0.0.1:" + jdk.getAddress().getPort();
            for (int i = 0; i < 20; i++) {
                assertEquals("path /n" + i, send(HttpRequest.get(base + "/n" + i)).bodyText());
            }
            HttpResponse head = send(HttpRequest.newBuilder(base + "/head").method("HEAD").build());
            assertEquals(200, head.status());
            assertEquals("10", head.header("Content-Length"));
            assertEquals(0, head.bodyLength());
            assertEquals(204, send(HttpRequest.get(base + "/nocontent")).status());
            assertEquals(304, send(HttpRequest.get(base + "/notmodified")).status());
            assertEquals("path /last", send(HttpRequest.get(base + "/last")).bodyText());
            assertEquals(1, clientPorts.size(), "one connection, seen by the server: " + clientPorts);
            assertEquals(1, Loops.on(loop, () -> client.stats().connectionsOpened()));
        } finally {
            jdk.stop(0);
        }
    }

    @Test
    void interimResponsesAreSkippedAndTheConnectionIsReused() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                ScriptedServer.readHead(in);
                ScriptedServer.write(s, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfinal");
            }
        })) {
            assertEquals("final", send(HttpRequest.get(server.url("/1"))).bodyText());
            HttpResponse second = send(HttpRequest.get(server.url("/2")));
            assertEquals(200, second.status());
            assertEquals("final", second.bodyText());
            assertEquals(1, server.accepted());
            server.check();
        }
    }

    @Test
    void closeDelimitedBodyEndsAtTheCloseAndTheConnectionIsNotReused() throws Throwable {
        String body = "until the end ".repeat(1000);
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body);
        })) {
            assertEquals(body, send(HttpRequest.get(server.url("/a"))).bodyText());
            assertEquals(body, send(HttpRequest.get(server.url("/b"))).bodyText());
            assertEquals(2, server.accepted());
            assertEquals(0, Loops.on(loop, () -> client.stats().idleConnections()));
            server.check();
        }
    }

    @Test
    void connectionCloseAndHttp10AreNotReused() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            String response = index % 2 == 0 ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
                    : "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok";
            ScriptedServer.write(s, response);
            s.getInputStream().read();   // hold the socket open: the client must not wait for our close
        })) {
            for (int i = 0; i < 4; i++) {
                assertEquals("ok", send(HttpRequest.get(server.url("/" + i))).bodyText());
            }
            assertEquals(4, server.accepted());
            server.check();
        }
    }

    @Test
    void bytesAfterTheResponseKeepTheConnectionFromBeingReused() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + (index == 0 ? "HTTP/1.1 200 OK\r\n" : ""));
            s.getInputStream().read();
        })) {
            // One connection allowed: the second request waits, and would be handed the connection
            // the moment the first response completes, stray bytes and all.
            HttpClient one = Loops.on(loop, () -> HttpClient.create(loop, ClientConfig.DEFAULT.withMaxConnectionsPerHost(1)));
            List<HttpResponse> both = Loops.await(loop, () -> io.rawloop.loop.Promise.all(loop,
                    List.of(one.get(server.url("/1")), one.get(server.url("/2")))));
            assertEquals("ok", both.get(0).bodyText());
            assertEquals("ok", both.get(1).bodyText());
            assertEquals(2, server.accepted(), "the second request went on a new connection");
            server.check();
        }
    }

    @Test
    void aStaleKeptAliveConnectionIsRetriedOnceOnAFreshOne() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            ScriptedServer.readHead(in);
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
            if (index == 0) {
                ScriptedServer.readHead(in);   // the server closes just as the second request comes in
            }
        })) {
            assertEquals("first", send(HttpRequest.get(server.url("/1"))).bodyText());
            assertEquals("first", send(HttpRequest.get(server.url("/2"))).bodyText());
            assertEquals(2, server.accepted());
            assertEquals(1, Loops.on(loop, () -> client.stats().retries()));
            server.check();
        }
    }

    @Test
    void aPostIsNotRetriedWhenTheConnectionDies() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            ScriptedServer.readHead(in);
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            ScriptedServer.readHead(in);
        })) {
            send(HttpRequest.get(server.url("/1")));
            HttpClientException e = assertThrows(HttpClientException.class, () -> send(
                    HttpRequest.newBuilder(server.url("/2")).method("POST").body("x").build()));
            assertEquals(Kind.CLOSED, e.kind());
            assertTrue(e.getMessage().contains("before any byte of the response"), e.getMessage());
            assertEquals(1, server.accepted());
        }
    }

    @Test
    void aResponseCutShortSaysWhereItStopped() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this");
        })) {
            HttpClientException e = assertThrows(HttpClientException.class, () -> send(HttpRequest.get(server.url("/"))));
            assertEquals(Kind.CLOSED, e.kind());
            assertTrue(e.getMessage().contains("after 49 bytes of the response: connection closed in the middle of the body"), e.getMessage());
        }
    }

    @Test
    void malformedStatusLineNamesTheByte() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            ScriptedServer.write(s, "HTTP/1.1 2x0 OK\r\n\r\n");
        })) {
            HttpClientException e = assertThrows(HttpClientException.class, () -> send(HttpRequest.get(server.url("/"))));
            assertEquals(Kind.MALFORMED, e.kind());
            assertTrue(e.getMessage().contains("malformed response at byte 9"), e.getMessage());
        }
    }

    @Test
    void refusedAndUnresolvableSayWhatAndWhere() throws Exception {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        HttpClientException refused = assertThrows(HttpClientException.class,
                () -> send(HttpRequest.get("http://127.0.0.1:" + closedPort + "/")));
        assertEquals(Kind.REFUSED, refused.kind());
        assertTrue(refused.getMessage().contains("127.0.0.1:" + closedPort), refused.getMessage());
        HttpClientException dns = assertThrows(HttpClientException.class,
                () -> send(HttpRequest.get("http://no-such-host.invalid/")));
        assertEquals(Kind.DNS, dns.kind());
        assertTrue(dns.getMessage().contains("no-such-host.invalid"), dns.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class,
                () -> HttpRequest.get("ftp://example.com/"));
        assertEquals("only http:// and https:// URLs can be fetched, not ftp://example.com/", ftp.getMessage());
        assertNull(Loops.on(loop, () -> client.stats().openConnections() == 0 ? null : client.stats()));
    }

    @Test
    void headersCannotSmuggleAndFramingIsTheClients() {
        HttpRequest.Builder b = HttpRequest.newBuilder("http://127.0.0.1/");
        assertThrows(IllegalArgumentException.class, () -> b.header("X-Evil", "a\r\nContent-Length: 0"));
        assertThrows(IllegalArgumentException.class, () -> b.header("Content-Length", "5"));
        assertThrows(IllegalArgumentException.class, () -> b.header("Transfer-Encoding", "chunked"));
        assertThrows(IllegalArgumentException.class, () -> b.method("GE T"));
    }

    @Test
    void timeoutsOfTheLoopClientRunOnTheLoopClock() throws Throwable {
        io.rawloop.loop.ManualClock clock = new io.rawloop.loop.ManualClock();
        java.util.concurrent.CountDownLatch requested = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedServer silent = new ScriptedServer((s, index) -> {
            ScriptedServer.readHead(s.getInputStream());
            requested.countDown();
            s.getInputStream().read();   // never answers
        }); EventLoop manual = EventLoop.builder().clock(clock).build()) {
            manual.start();
            HttpClient c = Loops.on(manual, () -> HttpClient.create(manual, ClientConfig.DEFAULT
                    .withConnectTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofSeconds(30)).withTotalTimeout(Duration.ofSeconds(60))));
            var pending = Loops.on(manual, () -> c.get(silent.url("/")).toCompletableFuture());
            assertTrue(requested.await(20, java.util.concurrent.TimeUnit.SECONDS));
            // The server may read the request before the callback that wrote it has armed the
            // header timer: one turn of the loop first, or the timer would start after the clock moved.
            Loops.on(manual, () -> null);
            clock.advance(Duration.ofSeconds(29));
            Loops.on(manual, () -> null);   // turns after the advance: the timer is not due yet
            Loops.on(manual, () -> null);
            assertTrue(!pending.isDone(), "failed before the header timeout: " + pending);
            clock.advance(Duration.ofSeconds(1));
            manual.execute(() -> { });   // wakes the loop, which finds the timer due
            var e = assertThrows(java.util.concurrent.ExecutionException.class,
                    () -> pending.get(30, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(Kind.HEADER_TIMEOUT, ((HttpClientException) e.getCause()).kind());
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 20 s");
            Thread.onSpinWait();
        }
    }
}
