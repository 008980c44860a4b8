package io.rawloop.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.Promise;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's side of RFC 9112 and RFC 9110 §9 and §15, against scripted sockets: the rules of
 * src/site/markdown/reference-rfc.md that need a client to show them. Every wait is on an event,
 * with a deadline.
 */
@Timeout(60)
class RfcClientRulesTest extends ClientOnLoop {

    private static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    /** A server that answers every request on every connection with {@link #OK} and hands each head to the test. */
    private static ScriptedServer answering(BlockingQueue<String> heads) throws IOException {
        return new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            while (true) {
                String head;
                try {
                    head = ScriptedServer.readHead(in);
                } catch (IOException endOfStream) {
                    return;   // the client closed: fine
                }
                heads.add(head);
                int length = contentLength(head);
                for (int i = 0; i < length; i++) {
                    in.read();
                }
                // A response to HEAD has no content: "ok" would be stray bytes on the connection.
                ScriptedServer.write(s, head.startsWith("HEAD ") ? OK.substring(0, OK.length() - 2) : OK);
            }
        });
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).strip());
            }
        }
        return 0;
    }

    private static String take(BlockingQueue<String> heads) throws InterruptedException {
        String head = heads.poll(30, TimeUnit.SECONDS);
        assertTrue(head != null, "a request arrived");
        return head;
    }

    // region 9112 §3: the request line and Host

    @Test
    void hostIsTheUrlsAuthorityAndTheFirstField() throws Throwable {
        BlockingQueue<String> heads = new LinkedBlockingQueue<>();
        try (ScriptedServer server = answering(heads)) {
            send(HttpRequest.newBuilder(server.url("/x?y=1")).header("Accept", "*/*").build());
            String head = take(heads);
            assertTrue(head.startsWith("GET /x?y=1 HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n"), head);
            server.check();
        }
    }

    @Test
    void anEmptyPathIsSentAsSlash() throws Throwable {
        BlockingQueue<String> heads = new LinkedBlockingQueue<>();
        try (ScriptedServer server = answering(heads)) {
            String base = "http://127.0.0.1:" + server.port();
            send(HttpRequest.get(base));
            assertTrue(take(heads).startsWith("GET / HTTP/1.1\r\n"));
            send(HttpRequest.get(base + "?q=1"));
            assertTrue(take(heads).startsWith("GET /?q=1 HTTP/1.1\r\n"));
            server.check();
        }
    }

    // endregion

    // region 9112 §6: the framing the client sends, and framing it refuses

    @Test
    void contentLengthIsSentWhenTheMethodMeansContentAndOnlyThen() throws Throwable {
        BlockingQueue<String> heads = new LinkedBlockingQueue<>();
        try (ScriptedServer server = answering(heads)) {
            send(HttpRequest.newBuilder(server.url("/")).method("POST").build());
            String emptyPost = take(heads).toLowerCase(java.util.Locale.ROOT);
            assertTrue(emptyPost.contains("\r\ncontent-length: 0\r\n"), "POST says its empty content: " + emptyPost);
            for (String method : List.of("GET", "HEAD", "DELETE", "OPTIONS")) {
                send(HttpRequest.newBuilder(server.url("/")).method(method).build());
                String head = take(heads).toLowerCase(java.util.Locale.ROOT);
                assertFalse(head.contains("content-length") || head.contains("transfer-encoding"), method + ": " + head);
            }
            send(HttpRequest.newBuilder(server.url("/")).method("PUT").body("abc").build());
            String put = take(heads).toLowerCase(java.util.Locale.ROOT);
            assertTrue(put.contains("\r\ncontent-length: 3\r\n"), put);
            assertFalse(put.contains("transfer-encoding"), "a known length is not sent chunked: " + put);
            server.check();
        }
    }

    @Test
    void aResponseWithInvalidFramingIsDiscardedAndItsConnectionClosed() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            String head = ScriptedServer.readHead(in);
            if (head.startsWith("GET /bad-length")) {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\nok");
            } else if (head.startsWith("GET /both")) {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "2\r\nok\r\n0\r\n\r\n");
            } else {
                ScriptedServer.write(s, OK);
            }
            in.read();   // until the client closes
        })) {
            for (String path : List.of("/bad-length", "/both")) {
                HttpClientException e = assertThrows(HttpClientException.class, () -> send(HttpRequest.get(server.url(path))));
                assertEquals(Kind.MALFORMED, e.kind(), path);
                ServersTest.waitFor(() -> openConnections() == 0);
            }
            assertEquals("ok", send(HttpRequest.get(server.url("/good"))).bodyText());
            assertEquals(3, server.accepted(), "no connection was used again after a malformed response");
        }
    }

    // endregion

    // region 9112 §9: associating responses, persistence, retries, pipelining

    @Test
    void bytesOnAnIdleConnectionAreNotTakenForAResponse() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            ScriptedServer.readHead(in);
            if (index == 0) {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst");
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale");   // nobody asked
                try {
                    in.read();   // until the client closes (with a reset, maybe)
                } catch (IOException reset) {
                    // expected
                }
            } else {
                ScriptedServer.write(s, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfresh");
            }
        })) {
            assertEquals("first", send(HttpRequest.get(server.url("/1"))).bodyText());
            ServersTest.waitFor(() -> openConnections() == 0);   // the client closed the out-of-step connection
            assertEquals("fresh", send(HttpRequest.get(server.url("/2"))).bodyText());
            assertEquals(2, server.accepted());
            server.check();
        }
    }

    @Test
    void aFailedAutomaticRetryIsNotRetriedAgain() throws Throwable {
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            ScriptedServer.readHead(in);
            if (index == 0) {
                ScriptedServer.write(s, OK);
                ScriptedServer.readHead(in);   // the second request: closed on, unanswered
            }
            // index 1, the retry: closed on, unanswered too
        })) {
            assertEquals("ok", send(HttpRequest.get(server.url("/1"))).bodyText());
            HttpClientException e = assertThrows(HttpClientException.class, () -> send(HttpRequest.get(server.url("/2"))));
            assertEquals(Kind.CLOSED, e.kind());
            assertEquals(1, Loops.on(loop, () -> client.stats().retries()));
            assertEquals(2, server.accepted(), "one retry, on one fresh connection, and no more");
        }
    }

    @Test
    void nothingIsPipelinedBehindANonIdempotentRequest() throws Throwable {
        HttpClient piped = Loops.on(loop, () -> HttpClient.create(loop,
                ClientConfig.DEFAULT.withMaxConnectionsPerHost(1).withMaxPipelined(8)));
        AtomicInteger waitingWhilePostUnanswered = new AtomicInteger(-1);
        try (ScriptedServer server = new ScriptedServer((s, index) -> {
            InputStream in = s.getInputStream();
            ScriptedServer.readHead(in);
            in.read();   // the POST's one byte of content
            // The loop turn that sent the POST has ended: had the GET been pipelined, it would be sent.
            waitingWhilePostUnanswered.set(Loops.on(loop, () -> piped.stats().waitingRequests()));
            ScriptedServer.write(s, OK);
            ScriptedServer.readHead(in);
            ScriptedServer.write(s, OK);
            in.read();
        })) {
            List<HttpResponse> both = Loops.await(loop, () -> Promise.all(loop, List.of(
                    piped.send(HttpRequest.newBuilder(server.url("/post")).method("POST").body("x").build()),
                    piped.get(server.url("/get")))));
            assertEquals("ok", both.get(1).bodyText());
            assertEquals(1, waitingWhilePostUnanswered.get(), "the GET waited for the POST's response");
            assertEquals(1, server.accepted());
            server.check();
        }
    }

    @Test
    void aRequestSayingCloseIsTheLastOnItsConnection() throws Throwable {
        BlockingQueue<String> heads = new LinkedBlockingQueue<>();
        try (ScriptedServer server = answering(heads)) {
            send(HttpRequest.newBuilder(server.url("/1")).header("Connection", "close").build());
            send(HttpRequest.get(server.url("/2")));
            assertEquals(2, server.accepted(), "the request after the close went on a new connection");
            server.check();
        }
    }

    // endregion

    // region 9110 §9: methods

    @Test
    void aTraceRequestCannotCarryContent() {
        assertThrows(IllegalArgumentException.class,
                () -> HttpRequest.newBuilder("http://127.0.0.1/").method("TRACE").body("x").build());
    }

    // endregion

    private int openConnections() {
        try {
            return Loops.on(loop, () -> client.stats().openConnections());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
