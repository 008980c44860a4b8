package io.rawloop.server.websocket;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rawloop.client.HttpClient;
import io.rawloop.client.websocket.CloseStatus;
import io.rawloop.client.websocket.EchoListener;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.http.websocket.Handshake;
import io.rawloop.server.OnOwnLoop;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Our client failing a connection, against a raw server that sends, in one write with its 101, a
 * text message and then a frame with a reserved bit set (Autobahn 3.2, from the server's side).
 * The client's owner gets the socket before those frames are parsed, so its echo goes out before
 * the 1002; and after its close frame the client waits for the server to close TCP (RFC 6455
 * §7.1.1) instead of sending its own FIN at once.
 */
@Timeout(60)
class ClientFailureTest {

    private static final Pattern KEY = Pattern.compile("Sec-WebSocket-Key: (\\S+)\r\n");

    @Test
    void aMessageThatCameWithThe101IsEchoedBeforeThe1002AndTheServerClosesTcpFirst() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> serveOnce(listener));
            CloseStatus status = OnOwnLoop.run(loop -> {
                WebSocket socket = await(HttpClient.create(loop).websocket(URI.create("ws://127.0.0.1:"
                        + listener.getLocalPort() + "/")));
                socket.listen(EchoListener.INSTANCE);
                return await(socket.closed());
            });
            assertEquals(List.of("text hi", "close 1002", "no FIN from the client before ours"),
                    seen.get(30, TimeUnit.SECONDS));
            assertEquals(1002, status.code(), status.toString());
        }
    }

    /** The raw server: the handshake with the two frames after it, then what the client sends, in order. */
    private static List<String> serveOnce(ServerSocket listener) {
        List<String> seen = new ArrayList<>();
        try (Socket s = listener.accept()) {
            s.setSoTimeout(20_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            Matcher key = KEY.matcher(head);
            if (!key.find()) {
                throw new IllegalStateException("no key in " + head);
            }
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.accept(key.group(1)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[] {(byte) 0x81, 2, 'h', 'i', (byte) 0xC1, 0});   // "hi", then RSV1 on an empty text frame
            out.flush();
            seen.add(clientFrame(in));
            seen.add(clientFrame(in));
            s.setSoTimeout(1000);
            try {
                seen.add(in.read() < 0 ? "the client's FIN first" : "more bytes after its close");
            } catch (SocketTimeoutException expected) {
                seen.add("no FIN from the client before ours");   // then our close, a FIN: nothing is left unread
            }
        } catch (IOException e) {
            seen.add(e.toString());
        }
        return seen;
    }

    /** One masked frame from the client, as "text PAYLOAD" or "close CODE". */
    private static String clientFrame(DataInputStream in) throws IOException {
        int opcode = in.readUnsignedByte() & 0x0F;
        int length = in.readUnsignedByte() & 0x7F;   // our frames here are short: no extended length
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(length);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        return opcode == 1 ? "text " + new String(payload, StandardCharsets.UTF_8)
                : opcode == 8 ? "close " + ((payload[0] & 0xFF) << 8 | (payload[1] & 0xFF)) : "opcode " + opcode;
    }
}
