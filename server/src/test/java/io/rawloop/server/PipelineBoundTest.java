package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.Clock;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.tls.TestPki;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maxPipelined} is a hard bound on requests in flight on one connection: the rest waits,
 * unparsed, in the read buffer. Before the fix reading paused, but every request already read
 * (about 2,400 minimal ones fit in 64 KiB) was dispatched at once.
 */
@Timeout(60)
class PipelineBoundTest {

    private static final int MAX_PIPELINED = 2;
    private static final int SENT = 40;
    private final ConcurrentLinkedQueue<Promise<Response>> waiting = new ConcurrentLinkedQueue<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void atMostMaxPipelinedRequestsReachTheHandlerAndTheRestAreAnsweredInOrderLater() throws Exception {
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, CONFIG, held());
        try (Socket socket = Sockets.open(server.port())) {
            answerInOrder(socket, requests(""));   // about 1 KiB: one read
        }
    }

    @Test
    void overTlsTheRecordsOfOneReadAreHeldInOrderAndNoneIsLost(@TempDir Path dir) throws Exception {
        TestPki pki = TestPki.create(dir);
        server = HttpServer.start(List.of(HttpServer.Listener.tls(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))), 1, CONFIG, held(), Clock.system());
        SSLSocketFactory tls = TlsFiles.clientContext(pki.file("ca.pem")).getSocketFactory();
        try (SSLSocket socket = (SSLSocket) tls.createSocket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            // 40 requests of 1 KiB in one write: three TLS records that arrive in one read, and that
            // the layer hands over one by one while the first is still held (it used to overwrite it).
            answerInOrder(socket, requests("X-Pad: " + "p".repeat(960) + "\r\n"));
        }
    }

    private static final ServerConfig CONFIG = ServerConfig.DEFAULT.withMaxPipelined(MAX_PIPELINED);

    /** Each request is held until the test answers it, in the order the requests came. */
    private Router held() {
        return new Router().get("/held/{i}", (request, loop) -> {
            Promise<Response> answer = loop.newPromise();
            waiting.add(answer);
            return answer;
        });
    }

    private static byte[] requests(String padding) {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < SENT; i++) {
            requests.append("GET /held/").append(i).append(" HTTP/1.1\r\nHost: x\r\n").append(padding).append("\r\n");
        }
        return requests.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private void answerInOrder(Socket socket, byte[] requests) throws Exception {
        socket.getOutputStream().write(requests);
        socket.getOutputStream().flush();
        for (int answered = 0; answered < SENT; answered++) {
            awaitInFlight(Math.min(MAX_PIPELINED, SENT - answered));
            // The loop has finished every callback that was running when the handler was
            // called: whatever those read and parsed has been dispatched by now.
            int inFlight = server.loops().get(0).submit(waiting::size).join();
            assertEquals(Math.min(MAX_PIPELINED, SENT - answered), inFlight, "requests in flight after " + answered
                    + " answers");
            Promise<Response> first = waiting.poll();
            int n = answered;
            server.loops().get(0).submit(() -> first.complete(Response.text(200, "answer " + n))).join();
            List<String> response = ServerTest.readResponses(socket.getInputStream(), 1);
            assertEquals(List.of("200 answer " + n), response);
        }
        assertEquals(SENT, server.stats().requests());
    }

    private void awaitInFlight(int n) {
        for (int i = 0; i < 10_000 && waiting.size() < n; i++) {
            server.loops().get(0).submit(() -> null).join();   // a turn of the loop
        }
        assertTrue(waiting.size() >= n, "the handler has " + waiting.size() + " requests, expected " + n);
    }
}
