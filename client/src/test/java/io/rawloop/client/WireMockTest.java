package io.rawloop.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The client against WireMock: a real server nobody here wrote, with its delays and faults. */
@Timeout(60)
class WireMockTest {

    private static WireMockServer wiremock;
    private EventLoop loop;
    private HttpClient client;

    @BeforeAll
    static void startWireMock() {
        wiremock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().disableRequestJournal()
                .containerThreads(20));
        wiremock.start();
    }

    @AfterAll
    static void stopWireMock() {
        wiremock.stop();
    }

    @BeforeEach
    void startClient() throws Exception {
        loop = EventLoop.create();
        loop.start();
        client = Loops.on(loop, () -> HttpClient.create(loop, ClientConfig.DEFAULT
                .withConnectTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofSeconds(5)).withTotalTimeout(Duration.ofSeconds(20))));
    }

    @AfterEach
    void stopClient() throws Exception {
        Loops.on(loop, () -> {
            client.close();
            return null;
        });
        loop.close();
        wiremock.resetAll();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + wiremock.port() + path;
    }

    private HttpResponse fetch(String path) throws Exception {
        return Loops.await(loop, () -> client.get(url(path)));
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 400, 404, 418, 500, 503})
    void statusCodesAndBodiesArriveAsSent(int status) throws Exception {
        wiremock.stubFor(get("/status").willReturn(aResponse().withStatus(status).withBody("status " + status)));
        HttpResponse r = fetch("/status");
        assertEquals(status, r.status());
        assertEquals("status " + status, r.bodyText());
    }

    @Test
    void repeatedHeaderFieldsKeepTheirOrder() throws Exception {
        wiremock.stubFor(get("/headers").willReturn(aResponse().withHeader("X-Multi", "one", "two", "three")
                .withHeader("Content-Type", "text/x-test").withBody("h")));
        HttpResponse r = fetch("/headers");
        assertEquals(List.of("one", "two", "three"), r.headers().getAll("X-Multi"));
        assertEquals("text/x-test", r.header("content-type"));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 65_536, 100_000, 1_000_000, 5_000_000})
    void bodiesOfManySizesArriveIntact(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        wiremock.stubFor(get("/bytes").willReturn(aResponse().withBody(body)));
        HttpResponse r = fetch("/bytes");
        assertEquals(200, r.status());
        assertArrayEquals(body, r.body());
        assertReusable();
    }

    @Test
    void chunkedDribbledResponseIsReassembled() throws Exception {
        String body = "0123456789".repeat(100);
        wiremock.stubFor(get("/dribble").willReturn(aResponse().withBody(body).withChunkedDribbleDelay(10, 200)));
        HttpResponse r = fetch("/dribble");
        assertEquals(body, r.bodyText());
    }

    @Test
    void aDelayLongerThanTheHeaderTimeoutFailsWithThatTimeout() throws Exception {
        // The client's timer runs on a manual clock, moved by 200 ms once the request is out: the
        // header timeout fires then, however late a busy machine would run a real 200 ms timer.
        // WireMock's delay is real time; it only has to outlast those few steps of this thread.
        wiremock.stubFor(get("/slow").willReturn(aResponse().withBody("late").withFixedDelay(5_000)));
        ManualClock clock = new ManualClock();
        try (EventLoop manual = EventLoop.builder().clock(clock).build()) {
            manual.start();
            HttpClient impatient = Loops.on(manual, () -> HttpClient.create(manual, ClientConfig.DEFAULT
                    .withConnectTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofMillis(200)).withTotalTimeout(Duration.ofSeconds(20))));
            var pending = Loops.on(manual, () -> impatient.get(url("/slow")).toCompletableFuture());
            // Sent (the callback that counts the bytes also arms the header timer), then 200 ms later.
            ServersTest.waitFor(() -> uncheckedOn(manual, () -> impatient.stats().bytesSent()) > 0);
            clock.advance(Duration.ofMillis(200));
            manual.execute(() -> { });   // wakes the loop, which finds the timer due
            ExecutionException failed = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
            HttpClientException e = assertInstanceOf(HttpClientException.class, failed.getCause());
            assertEquals(Kind.HEADER_TIMEOUT, e.kind());
            assertTrue(e.getMessage().contains("no response head within 200 ms"), e.getMessage());
            assertNoLeftovers(manual, impatient);
        }
    }

    private static <T> T uncheckedOn(EventLoop on, java.util.concurrent.Callable<T> action) {
        try {
            return Loops.on(on, action);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void delaysShorterThanTheTimeoutsOnlyDelay() throws Exception {
        wiremock.stubFor(get("/fixed").willReturn(aResponse().withBody("fixed").withFixedDelay(300)));
        wiremock.stubFor(get("/random").willReturn(aResponse().withBody("random").withUniformRandomDelay(50, 300)));
        // Timeouts 100 times the delays: on a busy machine a response may take well over its delay.
        HttpClient patient = Loops.on(loop, () -> HttpClient.create(loop, ClientConfig.DEFAULT
                .withConnectTimeout(Duration.ofSeconds(5)).withHeaderTimeout(Duration.ofSeconds(30)).withTotalTimeout(Duration.ofSeconds(40))));
        assertEquals("fixed", Loops.await(loop, () -> patient.get(url("/fixed"))).bodyText());
        for (int i = 0; i < 5; i++) {
            assertEquals("random", Loops.await(loop, () -> patient.get(url("/random"))).bodyText());
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void everyFaultEndsInItsExceptionAndLeavesNothingBehind(Fault fault) throws Exception {
        wiremock.stubFor(get("/fault").willReturn(aResponse().withFault(fault)));
        HttpClientException e = assertThrows(HttpClientException.class, () -> fetch("/fault"));
        List<Kind> expected = switch (fault) {
            case CONNECTION_RESET_BY_PEER -> List.of(Kind.RESET);
            case EMPTY_RESPONSE -> List.of(Kind.CLOSED);
            case MALFORMED_RESPONSE_CHUNK -> List.of(Kind.MALFORMED, Kind.CLOSED, Kind.RESET);
            case RANDOM_DATA_THEN_CLOSE -> List.of(Kind.MALFORMED);
        };
        assertTrue(expected.contains(e.kind()), fault + " gave " + e.kind() + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("GET " + url("/fault") + ": "), e.getMessage());
        assertNoLeftovers(client);
        // And the client still works, on a fresh connection.
        wiremock.stubFor(get("/after").willReturn(aResponse().withBody("fine")));
        assertEquals("fine", fetch("/after").bodyText());
    }

    /** A second request goes over the same connection as the first. */
    private void assertReusable() throws Exception {
        wiremock.stubFor(get("/again").willReturn(aResponse().withBody("again")));
        long opened = Loops.on(loop, () -> client.stats().connectionsOpened());
        assertEquals("again", fetch("/again").bodyText());
        assertEquals(opened, Loops.on(loop, () -> client.stats().connectionsOpened()));
    }

    /** No connection of {@code c} is open or idle, and the loop has no channel registered. */
    private void assertNoLeftovers(HttpClient c) throws Exception {
        assertNoLeftovers(loop, c);
    }

    private static void assertNoLeftovers(EventLoop loop, HttpClient c) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            ClientStats stats = Loops.on(loop, c::stats);
            int channels = Loops.on(loop, () -> loop.stats().registeredChannels());
            if (stats.openConnections() == 0 && stats.idleConnections() == 0 && channels == 0) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "left behind: " + stats + ", " + channels + " channels");
            Thread.onSpinWait();
        }
    }
}
