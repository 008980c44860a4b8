package io.rawloop.compare.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every back-end that serves {@link WebSocketEcho#PATH} echoes text as text and binary as
 * binary to the JDK's own WebSocket client (java.net.http), whole, and declines
 * permessage-deflate; the others refuse the upgrade, being plain HTTP.
 */
@Timeout(120)
class WebSocketBackendsTest {

    private static final List<Backend> SERVING = Arrays.stream(Backend.values()).filter(Backend::servesWebSocket).toList();

    @Test
    void rawloopsAndNettysBackendsServeTheEcho() {
        assertEquals(List.of(Backend.LOOP, Backend.LOOP_COROUTINES, Backend.NETTY_NIO, Backend.NETTY_EPOLL), SERVING);
    }

    @Test
    void eachEchoesTextAndBinaryToTheJdksClient() throws Exception {
        byte[] big = new byte[200_000];   // more than one read and one frame's 16-bit length
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        for (Backend b : SERVING) {
            try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 HttpClient http = HttpClient.newHttpClient()) {
                Collector got = new Collector();
                WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + running.port()
                        + WebSocketEcho.PATH), got).get(30, TimeUnit.SECONDS);
                ws.sendText("héllo, wörld", true).get(30, TimeUnit.SECONDS);
                assertEquals("text héllo, wörld", got.next(), b.id());
                ws.sendBinary(ByteBuffer.wrap(big), true).get(30, TimeUnit.SECONDS);
                String binary = got.next();
                assertTrue(binary.startsWith("binary "), b.id() + ": " + binary);
                assertArrayEquals(big, got.lastBinary, b.id() + " echoes the binary message whole");
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(30, TimeUnit.SECONDS);
                assertEquals("close 1000", got.next(), b.id() + " answers the close with its code");
            }
        }
    }

    @Test
    void eachDeclinesPermessageDeflate() throws Exception {
        for (Backend b : SERVING) {
            try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 Socket s = new Socket(InetAddress.getLoopbackAddress(), running.port())) {
                s.setSoTimeout(30_000);
                s.getOutputStream().write(("GET " + WebSocketEcho.PATH + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String head = head(s.getInputStream()).toLowerCase(Locale.ROOT);
                assertTrue(head.startsWith("http/1.1 101"), b.id() + ": " + head);
                assertTrue(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=\r\n"), b.id() + ": " + head);
                assertFalse(head.contains("sec-websocket-extensions"), b.id() + " agrees to no extension: " + head);
            }
        }
    }

    @Test
    void theBlockingBackendsDoNotUpgrade() throws Exception {
        for (Backend b : List.of(Backend.THREADS, Backend.VIRTUAL_THREADS)) {
            try (Backend.Running running = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                 HttpClient http = HttpClient.newHttpClient()) {
                CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:"
                        + running.port() + WebSocketEcho.PATH), new Collector());
                assertTrue(opening.handle((ws, failure) -> failure != null).get(30, TimeUnit.SECONDS), b.id() + " upgraded");
            }
        }
    }

    private static String head(InputStream in) throws Exception {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** What the JDK's client received, message by message (parts joined). */
    private static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final StringBuilder text = new StringBuilder();
        final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        volatile byte[] lastBinary;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add("text " + text);
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                lastBinary = binary.toByteArray();
                binary.reset();
                messages.add("binary " + lastBinary.length);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            messages.add("close " + statusCode);
            return null;
        }

        String next() throws InterruptedException {
            String m = messages.poll(30, TimeUnit.SECONDS);
            if (m == null) {
                throw new AssertionError("nothing arrived within 30 s");
            }
            return m;
        }
    }
}
