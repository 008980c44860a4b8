package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handler that builds a response the wire cannot carry gets a clear error at the call, and the
 * client a 500 on a connection that goes on. Before the fix, a bad header value made the writer
 * throw inside the write: the exchange stayed at the head of the queue, no timer was armed, and
 * the connection hung for good.
 */
@Timeout(60)
class HandlerMistakesTest {

    private HttpServer server;
    private final ConcurrentLinkedQueue<String> logged = new ConcurrentLinkedQueue<>();
    private final Logger serverLog = Logger.getLogger("io.rawloop.server");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage() + (record.getThrown() == null ? "" : " / " + record.getThrown().getMessage()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        serverLog.addHandler(capture);
        Router routes = new Router()
                .get("/split", io.rawloop.server.Handler.of(r -> Response.text(200, "x").header("X-Split", "a\r\nInjected: 1")))
                .get("/stream-fails", io.rawloop.server.Handler.of(r -> Response.stream(200, "text/plain", out -> {
                    out.write(ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)));
                    throw new IllegalStateException("the producer broke (expected in the test log)");
                })))
                .get("/null", io.rawloop.server.Handler.of(r -> null))
                .get("/throws", io.rawloop.server.Handler.of(r -> {
                    throw new IllegalStateException("the function broke (expected in the test log)");
                }))
                .get("/hello", io.rawloop.server.Handler.of(r -> Response.text(200, "Hello, World!")));
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes);
    }

    @AfterEach
    void stop() {
        server.close();
        serverLog.removeHandler(capture);
    }

    @Test
    void responseHeaderRefusesWhatCouldNotBeSentAndNamesIt() {
        Response response = Response.text(200, "x");
        IllegalArgumentException split = assertThrows(IllegalArgumentException.class,
                () -> response.header("X-Split", "a\r\nInjected: 1"));
        assertTrue(split.getMessage().contains("X-Split") && split.getMessage().contains("0xd"), split.getMessage());
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> response.header("X-Nul", "a\0b"));
        assertTrue(nul.getMessage().contains("X-Nul") && nul.getMessage().contains("0x0"), nul.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> response.header("Bad Name", "v"));
        assertTrue(name.getMessage().contains("'Bad Name'"), name.getMessage());
        IllegalArgumentException framing = assertThrows(IllegalArgumentException.class,
                () -> response.header("content-length", "5"));
        assertTrue(framing.getMessage().contains("set by the server"), framing.getMessage());
        assertEquals(null, response.header("X-Split"), "nothing refused was added");
    }

    @Test
    void aBadHeaderValueIsA500LoggedOnceWithTheRouteAndTheConnectionGoesOn() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /split HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            List<String> answers = ServerTest.readResponses(socket.getInputStream(), 2);
            assertEquals("500 500 Internal Server Error: the handler failed; the server log has the details\n", answers.get(0));
            assertEquals("200 Hello, World!", answers.get(1), "the same connection carries on");
        }
        List<String> aboutIt = logged.stream().filter(m -> m.contains("GET /split")).toList();
        assertEquals(1, aboutIt.size(), "logged once, with the route: " + logged);
        assertTrue(aboutIt.get(0).contains("X-Split"), aboutIt.get(0));
    }

    @Test
    void aHandlerOfFunctionThatThrowsOrAnswersNullIsA500LoggedWithTheRouteAndTheConnectionGoesOn() throws Exception {
        // The server calls a Handler.of function directly (no promise): its mistakes still end as 500s.
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write(("GET /null HTTP/1.1\r\nHost: x\r\n\r\nGET /throws HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            List<String> answers = ServerTest.readResponses(socket.getInputStream(), 3);
            String failed = "500 500 Internal Server Error: the handler failed; the server log has the details\n";
            assertEquals(List.of(failed, failed, "200 Hello, World!"), answers);
        }
        assertTrue(logged.stream().anyMatch(m -> m.contains("GET /null") && m.contains("answered null")), logged.toString());
        assertTrue(logged.stream().anyMatch(m -> m.contains("GET /throws") && m.contains("function broke")), logged.toString());
    }

    @Test
    void aStreamProducerThatThrowsCutsItsBodyShortAndTheServerCarriesOn() throws Exception {
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /stream-fails HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.US_ASCII);   // ends: the server closed
            assertTrue(all.startsWith("HTTP/1.1 200 OK\r\n") && all.contains("7\r\npartial\r\n"), all);
            assertFalse(all.endsWith("0\r\n\r\n"), "no last chunk: the client can tell the body is cut short");
        }
        assertTrue(logged.stream().anyMatch(m -> m.contains("GET /stream-fails") && m.contains("producer broke")), logged.toString());
        try (Socket socket = Sockets.open(server.port())) {
            socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(List.of("200 Hello, World!"), ServerTest.readResponses(socket.getInputStream(), 1));
        }
    }
}
