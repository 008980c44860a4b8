package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.ServerConfig;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threat: clients that vanish or misbehave mid-conversation: a reset (RST) in the middle of a
 * request head, of a body, of a response; a client that half-closes after its request and still
 * wants the answer; bytes of garbage after a valid request.
 * Answer: each is handled where it happens, and nothing leaks: afterwards no connection is open,
 * only the listener is registered, no byte is queued.
 */
@Timeout(60)
class AbruptClientsTest {

    private static final int EACH = 50;
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        h = new Harness(ServerConfig.DEFAULT, null);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** Closes with an RST instead of a FIN: SO_LINGER 0. */
    private static void reset(Socket s) throws Exception {
        s.setSoLinger(true, 0);
        s.close();
    }

    private void send(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void resetsInTheMiddleOfAHeadABodyAndAResponseLeakNothing() throws Exception {
        for (int i = 0; i < EACH; i++) {
            Socket head = h.connect();
            send(head, "GET /hello HTTP/1.1\r\nHo");
            Socket body = h.connect();
            send(body, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + "b".repeat(100));
            Socket response = h.connect();
            send(response, "GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
            InputStream in = response.getInputStream();
            assertTrue(in.readNBytes(1024).length == 1024, "the response had begun");
            h.awaitOpen(3);
            reset(head);
            reset(body);
            reset(response);
            h.assertNothingLeaks();
        }
        try (Socket normal = h.connect()) {
            assertEquals("200 Hello, World!", Harness.exchange(normal, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
        }
    }

    @Test
    void aHalfClosedClientStillGetsItsWholeResponse() throws Exception {
        for (int i = 0; i < EACH; i++) {
            try (Socket s = h.connect()) {
                send(s, i % 2 == 0 ? "GET /big HTTP/1.1\r\nHost: x\r\n\r\n" : "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
                s.shutdownOutput();   // FIN: "I have said everything", not "I am gone"
                String answer = Harness.readResponse(s.getInputStream());
                if (i % 2 == 0) {
                    assertEquals(200 + " ", answer.substring(0, 4));
                    assertEquals(Harness.BIG.length + 4, answer.length());
                } else {
                    assertTrue(answer.startsWith("200 chunk 0\n") && answer.endsWith("chunk 9\n"), answer);
                }
                assertEquals(-1, s.getInputStream().read(), "then the server closes");
            }
        }
        h.assertNothingLeaks();
    }

    @Test
    void garbageAfterAValidRequestGetsTheAnswerThenA400() throws Exception {
        for (int i = 0; i < EACH; i++) {
            try (Socket s = h.connect()) {
                send(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n\u0000\u0001\u00ffgarbage\r\n\r\n");
                InputStream in = s.getInputStream();
                assertEquals("200 Hello, World!", Harness.readResponse(in));
                String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(rest.startsWith("HTTP/1.1 400 Bad Request\r\n") && rest.contains("Connection: close"), rest);
            }
        }
        h.assertNothingLeaks();
        assertEquals(EACH, h.server.stats().rejected());
    }
}
