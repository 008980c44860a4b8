package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.ManualClock;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input and slow or absent peers, each answered as the design page's limits table says. Time is a manual clock. */
@Timeout(60)
class ServerLimitsTest {

    private final ManualClock clock = new ManualClock();
    private HttpServer server;

    private HttpServer start(ServerConfig config, Handler handler) throws Exception {
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, config, handler, clock);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                Arguments.of(400, "GET / HTTP/1.1\nHost: x\r\n\r\n"),
                Arguments.of(400, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"),
                Arguments.of(400, "GET / HTTP/1.1\r\nHost: x\r\nX: a\0b\r\n\r\n"),
                Arguments.of(413, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20000000\r\n\r\n"),
                Arguments.of(414, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                Arguments.of(431, "GET / HTTP/1.1\r\nHost: x\r\nX: " + "v".repeat(17000) + "\r\n\r\n"),
                Arguments.of(431, "GET / HTTP/1.1\r\nHost: x\r\n" + "X: v\r\n".repeat(101) + "\r\n"),
                Arguments.of(501, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
                Arguments.of(505, "GET / HTTP/2.0\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void eachRejectionIsAnsweredWithItsStatusThenClosedWhileOthersAreServed(int status, String request) throws Exception {
        start(ServerConfig.DEFAULT, ServerTest.routes());
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
            assertTrue(answer.endsWith("\n") && !answer.contains("Exception"), "a short reason, no stack trace: " + answer);
        }
        assertEquals(List.of("200 Hello, World!"), exchange("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", 1));
    }

    /** Every vector the codec refuses, as the server answers it. */
    static Stream<Arguments> codecRejections() {
        return io.rawloop.http.SmugglingVectorsTest.vectors().filter(v -> (int) v.get()[1] != 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("codecRejections")
    void everyVectorTheCodecRefusesGetsItsStatusFromTheServer(String name, int status, String request) throws Exception {
        eachRejectionIsAnsweredWithItsStatusThenClosedWhileOthersAreServed(status, request);
    }

    @Test
    void aBodyThatStallsIs408AfterTheBodyGap() throws Exception {
        start(ServerConfig.DEFAULT, ServerTest.routes());
        try (Socket socket = connect()) {
            socket.getOutputStream().write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
            awaitRequestStarted();
            advance(Duration.ofSeconds(29));
            advance(Duration.ofSeconds(1));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
            assertTrue(answer.endsWith("the request body stalled for 30000 ms\n"), answer);
        }
    }

    @Test
    void aHandlerThatNeverAnswersGets503AtTheResponseTimeout() throws Exception {
        start(ServerConfig.DEFAULT, (request, loop) -> loop.newPromise());
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitRequestStarted();
            advance(Duration.ofSeconds(60));
            List<String> answers = ServerTest.readResponses(socket.getInputStream(), 1);
            assertEquals(List.of("503 503 Service Unavailable: the handler did not answer within 60000 ms\n"), answers);
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAfterTheWriteStallTimeout() throws Exception {
        byte[] big = new byte[32 * 1024 * 1024];
        start(ServerConfig.DEFAULT, Handler.of(r -> Response.bytes(200, "application/octet-stream", big)));
        try (Socket socket = connect()) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            awaitRequestStarted();
            // Each advance lets the stall check run; while the kernel still took bytes it re-arms,
            // and once the buffers are full (nobody reads) it gives up on the client.
            // How many checks see progress depends on how fast the kernel takes the bytes: the
            // loop ends on the event, with a deadline in real time, not after a number of checks.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.stats().writeStalls() == 0 && System.nanoTime() - deadline < 0) {
                advance(Duration.ofSeconds(30));
            }
            assertEquals(1, server.stats().writeStalls(), "the stalled client was dropped");
            awaitOpenConnections(0);
        }
    }

    @Test
    void theConnectionCapHoldsAndNewcomersAreServedOnceASlotFrees() throws Exception {
        ServerConfig two = ServerConfig.DEFAULT.withMaxConnections(2);
        start(two, ServerTest.routes());
        Socket first = connect();
        Socket second = connect();
        awaitOpenConnections(2);
        try (Socket third = connect()) {   // the kernel completes the handshake; the server does not accept it yet
            third.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            syncWithLoop();
            assertEquals(2, server.stats().openConnections(), "at the cap, the listener stops accepting");
            first.close();
            List<String> answer = ServerTest.readResponses(third.getInputStream(), 1);
            assertEquals(List.of("200 Hello, World!"), answer, "served once a slot freed");
        } finally {
            second.close();
        }
    }

    // region helpers
    private Socket connect() throws Exception {
        return Sockets.open(server.port());
    }

    private List<String> exchange(String request, int responses) throws Exception {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            return ServerTest.readResponses(in, responses);
        }
    }

    private void advance(Duration amount) {
        syncWithLoop();   // what the loop is doing (arming a timer, say) happens at the old time
        clock.advance(amount);
        server.wakeLoops();
        syncWithLoop();
    }

    /** Returns once the loop has run everything queued before this call. */
    private void syncWithLoop() {
        server.loops().get(0).submit(() -> null).join();   // one turn of the loop
    }

    /** Accepted, and (one more turn) the request the client had already written has been read. */
    private void awaitRequestStarted() {
        awaitOpenConnections(1);
        syncWithLoop();
    }

    /** Turns of the loop until {@code n} connections are open, for at most 30 s of real time. */
    private void awaitOpenConnections(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.stats().openConnections() != n) {
            assertTrue(System.nanoTime() - deadline < 0, "not " + n + " open connections within 30 s: " + server.stats());
            syncWithLoop();
        }
    }
    // endregion helpers
}
