package io.rawloop.server.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's /ws/echo, /chat and /ws/chat, with the JDK's WebSocket client, on two loops. */
@Timeout(60)
class WebSocketDemoTest {

    /** A JDK WebSocket that puts each whole message (or its close code) in a queue. */
    private static WebSocket connect(HttpClient http, int port, String path, LinkedBlockingQueue<String> got)
            throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                got.add("text " + data);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                got.add("binary " + data.remaining());
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                got.add("close " + code);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    /** Skips what came before {@code expected} (others' hellos), failing after 30 s without it. */
    private static void awaitLine(LinkedBlockingQueue<String> inbox, String expected) throws InterruptedException {
        String line;
        do {
            line = inbox.poll(30, TimeUnit.SECONDS);
        } while (line != null && !line.equals(expected));
        assertEquals(expected, line);
    }

    @Test
    void echoChatAndTheMessageLimit() throws Exception {
        AtomicReference<HttpServer> running = new AtomicReference<>();
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 2,
                ServerConfig.DEFAULT, DemoApp.routes(running::get, new StaticFiles(null), new RequestFigures(),
                        WebSocketOptions.DEFAULT.withMaxMessage(100)).handler());
             HttpClient http = HttpClient.newHttpClient()) {
            running.set(server);
            LinkedBlockingQueue<String> echoed = new LinkedBlockingQueue<>();
            WebSocket echo = connect(http, server.port(), "/ws/echo", echoed);
            echo.sendText("hi", true).get(30, TimeUnit.SECONDS);
            assertEquals("text hi", echoed.poll(30, TimeUnit.SECONDS));
            echo.sendBinary(ByteBuffer.wrap(new byte[7]), true).get(30, TimeUnit.SECONDS);
            assertEquals("binary 7", echoed.poll(30, TimeUnit.SECONDS));
            echo.sendText("x".repeat(101), true).get(30, TimeUnit.SECONDS);
            assertEquals("close 1009", echoed.poll(30, TimeUnit.SECONDS), "--ws-max-message is the limit");

            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/chat")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("/ws/chat"));

            // Three members: with two loops, at least two share none, so the broadcast crosses loops.
            List<LinkedBlockingQueue<String>> inboxes = new ArrayList<>();
            List<WebSocket> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inboxes.add(new LinkedBlockingQueue<>());
                members.add(connect(http, server.port(), "/ws/chat", inboxes.get(i)));
            }
            // A member has joined once its own first message comes back to it.
            for (int i = 0; i < 3; i++) {
                members.get(i).sendText("hello from " + i, true).get(30, TimeUnit.SECONDS);
                awaitLine(inboxes.get(i), "text hello from " + i);
            }
            members.get(0).sendText("to everyone", true).get(30, TimeUnit.SECONDS);
            for (LinkedBlockingQueue<String> inbox : inboxes) {
                awaitLine(inbox, "text to everyone");
            }
            members.get(1).sendBinary(ByteBuffer.wrap(new byte[] {1}), true).get(30, TimeUnit.SECONDS);
            awaitLine(inboxes.get(1), "close 1003");   // the room takes text only
            members.remove(1);
            CompletableFuture.allOf(members.stream().map(m -> m.sendClose(1000, "")).toArray(CompletableFuture[]::new))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
