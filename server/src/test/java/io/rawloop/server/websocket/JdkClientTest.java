package io.rawloop.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The JDK's own WebSocket client (java.net.http) against our server: a peer we did not write. */
@Timeout(60)
class JdkClientTest {

    @Test
    void theJdkClientIsEchoedTextBinaryLargeMessagesPongsAndACleanClose() throws Exception {
        Router routes = new Router().get("/ws/echo", WebSocketUpgrade.of(WebSocketServerTest.echo()));
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1,
                ServerConfig.DEFAULT, routes); HttpClient http = HttpClient.newHttpClient()) {
            LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            CompletableFuture<String> closed = new CompletableFuture<>();
            WebSocket.Listener listener = new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();
                private ByteBuffer binary = ByteBuffer.allocate(0);

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        received.add("text " + (text.length() > 40 ? text.length() + " chars" : text));
                        text.setLength(0);
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                    binary = ByteBuffer.allocate(binary.remaining() + data.remaining()).put(binary).put(data).flip();
                    if (last) {
                        received.add("binary " + binary.remaining() + " bytes");
                        binary = ByteBuffer.allocate(0);
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
                    received.add("pong " + message.remaining() + " bytes");
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                    closed.complete(statusCode + " " + reason);
                    return null;
                }
            };
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/echo"), listener).get(30, TimeUnit.SECONDS);
            ws.sendText("héllo", true).get(30, TimeUnit.SECONDS);
            assertEquals("text héllo", received.poll(30, TimeUnit.SECONDS));
            ws.sendText("fragm", false).get(30, TimeUnit.SECONDS);
            ws.sendText("ented", true).get(30, TimeUnit.SECONDS);
            assertEquals("text fragmented", received.poll(30, TimeUnit.SECONDS));
            ws.sendBinary(ByteBuffer.wrap(new byte[200_000]), true).get(30, TimeUnit.SECONDS);
            assertEquals("binary 200000 bytes", received.poll(30, TimeUnit.SECONDS));
            ws.sendText("x".repeat(70_000), true).get(30, TimeUnit.SECONDS);
            assertEquals("text 70000 chars", received.poll(30, TimeUnit.SECONDS));
            ws.sendPing(ByteBuffer.wrap(new byte[5])).get(30, TimeUnit.SECONDS);
            assertEquals("pong 5 bytes", received.poll(30, TimeUnit.SECONDS));
            ws.sendClose(1000, "bye").get(30, TimeUnit.SECONDS);
            assertEquals("1000 ", closed.get(30, TimeUnit.SECONDS));
        }
    }
}
