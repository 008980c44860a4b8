package io.rawloop.server.websocket;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.client.HttpClient;
import io.rawloop.client.websocket.CloseStatus;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.loop.EventLoop;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * npm's {@code ws}, the WebSocket most Node servers run, as a client of our server and as a
 * server for our client. Installed with npm into {@code target/node-ws} on first use; skipped
 * only where there is no node at all.
 */
@Timeout(180)
class NodeWsPeerTest {

    private static final Path DIR = Path.of("target", "node-ws").toAbsolutePath();

    @BeforeAll
    static void installWs() throws Exception {
        Assumptions.assumeTrue(run(List.of("node", "--version")) == 0, "node is not installed");
        Files.createDirectories(DIR);
        for (String script : new String[] {"ws-client.js", "ws-server.js"}) {
            try (InputStream in = NodeWsPeerTest.class.getResourceAsStream(script)) {
                Files.copy(in, DIR.resolve(script), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (!Files.exists(DIR.resolve("node_modules/ws/package.json"))) {
            assertEquals(0, run(List.of("npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix",
                    DIR.toString(), "ws@8")), "npm install ws@8 into " + DIR);
        }
    }

    private static int run(List<String> command) throws InterruptedException {
        try {
            // Not inheritIO: npm (node) would share the test JVM's stdin and make it non-blocking,
            // and surefire reads its commands from that stdin ("std/in stream corrupted", EAGAIN).
            Process p = new ProcessBuilder(command).directory(DIR.getParent().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return p.waitFor(150, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Starts {@code node script args}; its stdout lines go to {@code lines}. */
    private static Process node(LinkedBlockingQueue<String> lines, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("node"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
            lines.add("<eof>");
        });
        return p;
    }

    @Test
    void npmWsAsAClientOfOurServer() throws Exception {
        Router routes = new Router().get("/ws/echo", WebSocketUpgrade.of(WebSocketServerTest.echo()));
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1,
                ServerConfig.DEFAULT, routes)) {
            LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Process p = node(lines, "ws-client.js", "ws://127.0.0.1:" + server.port() + "/ws/echo");
            try {
                List<String> got = new ArrayList<>();
                for (String line; !(line = lines.poll(60, TimeUnit.SECONDS)).equals("<eof>"); ) {
                    got.add(line);
                }
                assertEquals(List.of("text héllo", "binary 010203", "text fragmented", "pong p", "close 1000"), got);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                assertEquals(0, p.exitValue());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void ourClientAgainstAnNpmWsServer() throws Exception {
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Process p = node(lines, "ws-server.js");
        try {
            String first = lines.poll(60, TimeUnit.SECONDS);
            assertTrue(first != null && first.startsWith("port "), String.valueOf(first));
            URI uri = URI.create("ws://127.0.0.1:" + first.substring(5) + "/");
            String result;
            try (EventLoop loop = EventLoop.create()) {
                result = loop.runUntilComplete(loop.spawn(() -> {
                    WebSocket socket = await(HttpClient.create(loop).websocket(uri));
                    await(socket.send("héllo"));
                    String text = await(socket.receive()).text();
                    await(socket.send(new byte[100_000]));
                    int binary = await(socket.receive()).data().length;
                    socket.close(1000, "bye");
                    CloseStatus status = await(socket.closed());
                    return text + " " + binary + " " + status.code() + " " + status.clean();
                }));
            }
            assertEquals("héllo 100000 1000 true", result);
            assertEquals("closed 1000", lines.poll(60, TimeUnit.SECONDS));
        } finally {
            p.getOutputStream().close();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
