package io.rawloop.server.tls;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.ClientTls;
import io.rawloop.client.HttpClient;
import io.rawloop.client.HttpClientException;
import io.rawloop.client.cli.ClientCommand;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketMessage;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.HttpServer;
import io.rawloop.server.OnOwnLoop;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.websocket.WebSocketUpgrade;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * wss: our WebSocket client over TLS to our server's TLS listener, with the trust of a CA file;
 * refused, with the TLS reason, without it; and the {@code ws} command with curl's {@code --cacert}.
 */
@Timeout(60)
class WssTest {

    @TempDir
    static Path dir;
    private static TestPki pki;
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        pki = TestPki.create(dir);
        Router routes = new Router().get("/echo", WebSocketUpgrade.of((socket, request, protocol) ->
                socket.connection().loop().spawn(() -> {
                    for (WebSocketMessage m; (m = await(socket.receive())) != null; ) {
                        await(socket.send(m.text()));
                    }
                    return null;
                })));
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        server = HttpServer.start(List.of(HttpServer.Listener.tls(any,
                        TlsFiles.serverContext(pki.file("localhost.pem"), pki.file("localhost.key")))),
                1, ServerConfig.DEFAULT, routes, io.rawloop.loop.Clock.system());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String url() {
        return "wss://localhost:" + server.port() + "/echo";
    }

    private static <T> T onLoop(OnOwnLoop<T> body) {
        return OnOwnLoop.run(body);
    }

    @Test
    void trustingTheCaAMessageGoesThereAndBackOverTls() {
        String echoed = onLoop(loop -> {
            HttpClient client = HttpClient.create(loop, ClientConfig.DEFAULT.withTls(ClientTls.trusting(pki.file("ca.pem"))));
            WebSocket socket = await(client.websocket(URI.create(url())));
            await(socket.send("h\u00e9llo over TLS"));
            String back = await(socket.receive()).text();
            socket.close(1000, "");
            return back;
        });
        assertEquals("h\u00e9llo over TLS", echoed);
    }

    @Test
    void withoutTheCaTheHandshakeIsRefusedWithTheReason() {
        String failure = onLoop(loop -> {
            HttpClient client = HttpClient.create(loop);
            try {
                await(client.websocket(URI.create(url())));
                return "opened";
            } catch (HttpClientException e) {
                return e.kind() + ": " + e.getMessage();
            }
        });
        assertTrue(failure.startsWith("TLS_HANDSHAKE: GET " + url() + ": TLS handshake with localhost:"), failure);
        assertTrue(failure.contains("not signed by a CA we trust"), failure);
    }

    @Test
    void theWsCommandTakesCurlsCacert() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ClientCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute("ws", url(), "--cacert", pki.file("ca.pem").toString(), "--send", "one", "--close", "1000");
        assertEquals(0, status, out + "\n" + err);
        assertTrue(out.toString().contains(" < one"), out.toString());
        assertTrue(out.toString().contains(" closed 1000 (clean)"), out.toString());
        assertEquals(2, cli.execute("ws", url(), "--cacert", "ca.pem", "--insecure"), "contradictory options");
    }
}
