package io.rawloop.server.websocket;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.cli.ClientCommand;
import io.rawloop.client.websocket.CloseStatus;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketMessage;
import io.rawloop.loop.Promise;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.OnOwnLoop;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** Our WebSocket client (HttpClient.websocket and the ws command) against our server, and its failures. */
@Timeout(60)
class ClientWebSocketTest {

    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        Router routes = new Router().get("/echo", WebSocketUpgrade.of(WebSocketServerTest.echo()).subprotocols("chat"))
                .get("/shout", WebSocketUpgrade.of((socket, request, protocol) -> socket.connection().loop().spawn(() -> {
                    // The server's coroutine style: receive until the close, answer each message.
                    for (WebSocketMessage m; (m = await(socket.receive())) != null; ) {
                        await(socket.send(m.text().toUpperCase(java.util.Locale.ROOT)));
                    }
                    return null;
                })))
                .get("/plain", Handler.of(r -> Response.text(200, "not a WebSocket")));
        server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, ServerConfig.DEFAULT,
                routes);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static <T> T onLoop(OnOwnLoop<T> body) {
        return OnOwnLoop.run(body);
    }

    @Test
    void coroutineStyleSendAndReceiveThenACleanClose() {
        String uri = "ws://127.0.0.1:" + server.port() + "/echo";
        String result = onLoop(loop -> {
            WebSocket socket = await(HttpClient.create(loop).websocket(URI.create(uri),
                    io.rawloop.client.websocket.WebSocketOptions.DEFAULT, "chat"));
            await(socket.send("héllo"));
            WebSocketMessage text = await(socket.receive());
            await(socket.send(new byte[70_000]));
            WebSocketMessage binary = await(socket.receive());
            socket.close(1000, "done");
            CloseStatus status = await(socket.closed());
            Promise<WebSocketMessage> after = socket.receive();
            return text + " | " + binary + " | " + status + " | " + after.resultNow();
        });
        assertEquals("text héllo | binary of 70000 bytes | CloseStatus[code=1000, reason=, clean=true] | null", result);
    }

    @Test
    void aCoroutineEndpointOnTheServerAnswersACallbackClient() {
        String uri = "ws://127.0.0.1:" + server.port() + "/shout";
        String result = onLoop(loop -> {
            WebSocket socket = await(HttpClient.create(loop).websocket(URI.create(uri)));
            Promise<String> heard = loop.newPromise();
            socket.listen(new WebSocket.Listener() {
                private final StringBuilder all = new StringBuilder();

                @Override
                public void onText(WebSocket s, String text) {
                    all.append(text).append(' ');
                    if (text.equals("TWO")) {
                        s.close(1000, "");
                    }
                }

                @Override
                public void onClose(WebSocket s, CloseStatus status) {
                    heard.complete(all + "" + status.code());
                }
            });
            socket.send("one");
            socket.send("two");
            return await(heard);
        });
        assertEquals("ONE TWO 1000", result);
    }

    @Test
    void failuresAreHttpClientExceptionsWithTheirKind() throws Exception {
        int closedPort;
        try (ServerSocket unused = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = unused.getLocalPort();
        }
        for (String[] c : new String[][] {
                {"ftp://127.0.0.1:" + server.port() + "/echo", "UNSUPPORTED"},
                {"http://127.0.0.1:" + server.port() + "/echo", "UNSUPPORTED"},
                {"ws://127.0.0.1:" + server.port() + "/plain", "HANDSHAKE"},
                {"ws://127.0.0.1:" + server.port() + "/nowhere", "HANDSHAKE"},
                {"ws://127.0.0.1:" + closedPort + "/", "REFUSED"}}) {
            String kind = onLoop(loop -> {
                try {
                    await(HttpClient.create(loop).websocket(URI.create(c[0])));
                    return "opened";
                } catch (HttpClientException e) {
                    assertTrue(e.getMessage().startsWith("GET " + c[0] + ": "), e.getMessage());
                    return e.kind().name();
                }
            });
            assertEquals(c[1], kind, c[0]);
        }
    }

    @Test
    void theWsCommandSendsPingsPrintsAndCloses() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ClientCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("ws", "ws://127.0.0.1:" + server.port() + "/echo", "--send", "one", "--send", "two",
                "--ping", "--close", "1001");
        String printed = out.toString();
        assertEquals(0, status, printed + err);
        for (String line : new String[] {" connected to ", " > one", " < one", " > two", " < two", " > ping",
                " < pong rawloop", " closed 1001 (clean)"}) {
            assertTrue(printed.contains(line), line + " in:\n" + printed);
        }
        StringWriter raw = new StringWriter();
        cli.setOut(new PrintWriter(raw));
        // An unmasked frame from a client: the server must fail the connection with 1002.
        assertEquals(1, cli.execute("ws", "ws://127.0.0.1:" + server.port() + "/echo", "--raw-frame", "8102 6869"));
        assertTrue(raw.toString().contains(" closed 1002 an unmasked frame from a client (clean)"), raw.toString());
    }
}
