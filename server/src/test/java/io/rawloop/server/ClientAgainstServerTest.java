package io.rawloop.server;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.BodySource;
import io.rawloop.client.ClientConfig;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.client.HttpRequest;
import io.rawloop.client.HttpResponse;
import io.rawloop.client.ResponseStream;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import io.rawloop.loop.Promise;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client against rawloop's own server (here, as the server depends on the client for the
 * demo's /fetch): the pool's cap, pipelining, streaming both ways, redirects,
 * caps.
 */
@Timeout(60)
class ClientAgainstServerTest {

    private static final byte[] BIG = new byte[4 * 1024 * 1024];

    static {
        new Random(7).nextBytes(BIG);
    }

    private HttpServer server;
    private EventLoop loop;

    @BeforeEach
    void start() throws Exception {
        Router routes = new Router()
                .get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")))
                .route("POST", "/echo", Handler.of(r -> Response.bytes(200, "application/octet-stream", r.body())))
                .any("/method", Handler.of(r -> Response.text(200, r.method() + " " + r.bodyText())))
                .get("/big", Handler.of(r -> Response.bytes(200, "application/octet-stream", BIG)))
                .get("/chunks", Handler.of(r -> Response.stream(200, "text/plain", out -> {
                    for (int i = 0; i < 100; i++) {
                        out.write(ByteBuffer.wrap("0123456789".repeat(10).getBytes(StandardCharsets.US_ASCII)));
                    }
                    out.end();
                })))
                .any("/redirect/{code}", Handler.of(r -> Response.of(Integer.parseInt(r.pathParameter("code")))
                        .header("Location", "/method")))
                .get("/loop", Handler.of(r -> Response.of(302).header("Location", "/loop")))
                .get("/elsewhere", Handler.of(r -> Response.of(301).header("Location", "ftp://example.com/")));
        server = HttpServer.start(new InetSocketAddress("127.0.0.1", 0), 1, ServerConfig.DEFAULT, routes);
        loop = EventLoop.create();
        loop.start();
    }

    @AfterEach
    void stop() {
        loop.close();
        server.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private HttpClient client(ClientConfig config) throws Exception {
        return onLoop(loop, () -> HttpClient.create(loop, config));
    }

    @Test
    void manyRequestsShareAtMostTheCappedConnections() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT.withMaxConnectionsPerHost(4));
        List<HttpResponse> all = awaitOnLoop(loop, () -> {
            List<Promise<HttpResponse>> ps = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                ps.add(c.get(url("/hello")));
            }
            return Promise.all(loop, ps);
        });
        assertEquals(200, all.size());
        all.forEach(r -> assertEquals("Hello, World!", r.bodyText()));
        assertEquals(4, onLoop(loop, () -> c.stats().connectionsOpened()));
        assertEquals(4, server.stats().acceptedConnections());
        assertEquals(4, onLoop(loop, () -> c.stats().idleConnections()));
    }

    @Test
    void ourServers100ContinueIsSkippedToTheFinalResponse() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT);
        for (int i = 0; i < 3; i++) {
            HttpResponse r = awaitOnLoop(loop, () -> c.send(HttpRequest.newBuilder(url("/echo")).method("POST")
                    .header("Expect", "100-continue").body("after the interim answer").build()));
            assertEquals(200, r.status());
            assertEquals("after the interim answer", r.bodyText());
        }
        assertEquals(1, server.stats().acceptedConnections(), "the 100 did not desynchronize the connection");
    }

    @Test
    void pipeliningSendsRequestsAheadOnOneConnection() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT.withMaxConnectionsPerHost(1).withMaxPipelined(8));
        List<HttpResponse> all = awaitOnLoop(loop, () -> {
            List<Promise<HttpResponse>> ps = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                ps.add(i % 2 == 0 ? c.get(url("/hello")) : c.send(HttpRequest.newBuilder(url("/method")).method("HEAD").build()));
            }
            return Promise.all(loop, ps);
        });
        for (int i = 0; i < all.size(); i++) {
            assertEquals(i % 2 == 0 ? "Hello, World!" : "", all.get(i).bodyText(), "response " + i);
        }
        assertEquals(1, server.stats().acceptedConnections());
    }

    @Test
    void aStreamedRequestBodyIsSentChunkedAndWithALength() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT);
        byte[][] pieces = {new byte[100_000], new byte[1], new byte[70_000]};
        new Random(3).nextBytes(pieces[0]);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (byte[] p : pieces) {
            expected.writeBytes(p);
        }
        for (long length : new long[] {-1, expected.size()}) {
            HttpResponse r = awaitOnLoop(loop, () -> c.send(HttpRequest.newBuilder(url("/echo")).method("POST")
                    .body(BodySource.of(ByteBuffer.wrap(pieces[0]), ByteBuffer.wrap(pieces[1]), ByteBuffer.wrap(pieces[2])),
                            length).build()));
            assertArrayEquals(expected.toByteArray(), r.body(), "length " + length);
        }
        HttpClientException e = assertThrows(HttpClientException.class, () -> awaitOnLoop(loop, () -> c.send(
                HttpRequest.newBuilder(url("/echo")).method("POST").body(BodySource.of(ByteBuffer.wrap(pieces[1])), 5).build())));
        assertEquals(Kind.REQUEST_BODY, e.kind());
    }

    @Test
    void aStreamedResponseHoldsBoundedMemoryUntilRead() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT);
        ResponseStream stream = awaitOnLoop(loop, () -> c.stream(HttpRequest.get(url("/big"))));
        // Nobody reads: the connection pauses once the high water mark is passed.
        // How soon the bytes come depends on the machine: wait for the pause (the figure stops
        // moving above the mark), with a deadline in real time, not for a number of turns.
        long held = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0) {
            long now = onLoop(loop, stream::heldBytes);
            if (now == held && now > ResponseStream.HIGH_WATER) {
                break;
            }
            held = now;
            onLoop(loop, () -> null);
        }
        assertTrue(held > ResponseStream.HIGH_WATER && held <= ResponseStream.HIGH_WATER + 256 * 1024,
                "held " + held + " bytes of " + BIG.length);
        byte[] body = awaitOnLoop(loop, () -> loop.spawn(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer piece;
            while ((piece = await(stream.read())) != null) {
                byte[] b = new byte[piece.remaining()];
                piece.get(b);
                all.writeBytes(b);
            }
            return all.toByteArray();
        }));
        assertArrayEquals(BIG, body);
        assertEquals("Hello, World!", awaitOnLoop(loop, () -> c.get(url("/hello"))).bodyText());
        assertEquals(1, onLoop(loop, () -> c.stats().connectionsOpened()), "the read stream's connection is reused");
    }

    @Test
    void aStreamClosedHalfReadIsNotReused() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT);
        awaitOnLoop(loop, () -> c.stream(HttpRequest.get(url("/big"))).flatMap(s -> s.read().map(piece -> {
            s.close();
            return piece;
        })));
        assertEquals("Hello, World!", awaitOnLoop(loop, () -> c.get(url("/hello"))).bodyText());
        assertEquals(2, onLoop(loop, () -> c.stats().connectionsOpened()));
    }

    @Test
    void redirectsAreFollowedOnlyWhenAskedAndWithinTheHopLimit() throws Exception {
        HttpClient plain = client(ClientConfig.DEFAULT);
        HttpResponse notFollowed = awaitOnLoop(loop, () -> plain.get(url("/redirect/302")));
        assertEquals(302, notFollowed.status());

        HttpClient following = client(ClientConfig.DEFAULT.withMaxRedirects(5));
        for (int code : new int[] {301, 302, 303, 307, 308}) {
            HttpResponse r = awaitOnLoop(loop, () -> following.send(HttpRequest.newBuilder(url("/redirect/" + code))
                    .method("POST").body("payload").build()));
            String expected = code == 307 || code == 308 ? "POST payload" : "GET ";
            assertEquals(expected, r.bodyText(), "after a " + code);
            assertEquals(url("/method"), r.uri().toString());
        }
        HttpClientException tooMany = assertThrows(HttpClientException.class,
                () -> awaitOnLoop(loop, () -> following.get(url("/loop"))));
        assertEquals(Kind.TOO_MANY_REDIRECTS, tooMany.kind());
        HttpClientException ftp = assertThrows(HttpClientException.class,
                () -> awaitOnLoop(loop, () -> following.get(url("/elsewhere"))));
        assertEquals(Kind.UNSUPPORTED, ftp.kind());
        assertTrue(ftp.getMessage().contains("ftp://example.com/"), ftp.getMessage());
    }

    @Test
    void bodiesOverTheCapFailWithTooLargeAndTheConnectionGoes() throws Exception {
        HttpClient capped = client(ClientConfig.DEFAULT.withMaxResponseBytes(5_000));
        HttpClientException declared = assertThrows(HttpClientException.class,
                () -> awaitOnLoop(loop, () -> capped.get(url("/big"))));
        assertEquals(Kind.TOO_LARGE, declared.kind());
        assertTrue(declared.getMessage().contains(BIG.length + " bytes (Content-Length)"), declared.getMessage());
        HttpClientException chunked = assertThrows(HttpClientException.class,
                () -> awaitOnLoop(loop, () -> capped.get(url("/chunks"))));
        assertEquals(Kind.TOO_LARGE, chunked.kind());
        assertEquals("Hello, World!", awaitOnLoop(loop, () -> capped.get(url("/hello"))).bodyText());
        assertEquals(3, onLoop(loop, () -> capped.stats().connectionsOpened()));
    }

    @Test
    void idleConnectionsCloseAfterTheIdleTimeoutOnTheLoopClock() throws Exception {
        ManualClock clock = new ManualClock();
        try (EventLoop manual = EventLoop.builder().clock(clock).build()) {
            manual.start();
            HttpClient c = onLoop(manual, () -> HttpClient.create(manual,
                    ClientConfig.DEFAULT.withIdleTimeout(Duration.ofSeconds(30))));
            awaitOnLoop(manual, () -> c.get(url("/hello")));
            assertEquals(1, onLoop(manual, () -> c.stats().idleConnections()));
            clock.advance(Duration.ofSeconds(29));
            onLoop(manual, () -> null);
            assertEquals(1, onLoop(manual, () -> c.stats().idleConnections()));
            clock.advance(Duration.ofSeconds(1));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (onLoop(manual, () -> c.stats().openConnections()) != 0) {
                assertTrue(System.nanoTime() < deadline, "idle connection still open");
            }
            assertEquals(0, onLoop(manual, () -> manual.stats().registeredChannels()) , "no stray key");
        }
    }

    @Test
    void closingTheClientFailsWhatIsInFlight() throws Exception {
        HttpClient c = client(ClientConfig.DEFAULT.withMaxConnectionsPerHost(1));
        var pending = onLoop(loop, () -> {
            var first = c.get(url("/big")).toCompletableFuture();
            var queued = c.get(url("/hello")).toCompletableFuture();
            c.close();
            return List.of(first, queued);
        });
        for (var p : pending) {
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> p.get(20, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals(Kind.CANCELLED, ((HttpClientException) e.getCause()).kind());
        }
        assertEquals(Arrays.asList(0, 0), Arrays.asList(onLoop(loop, () -> c.stats().openConnections()),
                onLoop(loop, () -> c.stats().waitingRequests())));
    }

    /** Runs {@code action} on the loop and returns its value (at most 30 s). */
    private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> action) throws Exception {
        return loop.submit(action).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Runs {@code action} on the loop, then waits (at most 30 s) for the promise it returns; throws its failure. */
    private static <T> T awaitOnLoop(EventLoop loop, java.util.concurrent.Callable<Promise<T>> action) throws Exception {
        try {
            return onLoop(loop, () -> action.call().toCompletableFuture()).get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
