package io.rawloop.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rawloop.loop.EventLoop;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile: ten thousand idle WebSockets. The server (here, on two loops) holds them all, then
 * the client ({@link IdleWebSocketClients}, a child JVM: both ends' sockets would not fit under one
 * process's limit on open files) closes half by the close handshake and half by a reset; the
 * server's open connections and the channels registered with its selectors go back to the
 * listeners alone. {@code -Dws.idle.many=N} changes the count.
 */
class IdleWebSocketsTest {

    private static final int LOOPS = 2;

    @Test
    @Timeout(600)
    void tenThousandIdleWebSocketsAreHeldThenClosedByHandshakeOrResetAndNothingLeaks() throws Exception {
        int count = Integer.getInteger("ws.idle.many", 10_000);
        Router routes = new Router().get("/idle", WebSocketUpgrade.of(WebSocketServerTest.echo()));
        ServerConfig config = ServerConfig.DEFAULT.withMaxConnections(count + 100);
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), LOOPS,
                config, routes)) {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process clients = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    IdleWebSocketClients.class.getName(), String.valueOf(server.port()), String.valueOf(count))
                    .redirectError(new File("target/idle-websocket-clients.err")).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(),
                    StandardCharsets.US_ASCII)); Writer in = clients.outputWriter(StandardCharsets.US_ASCII)) {
                assertEquals("open " + count, line(out, Duration.ofMinutes(5)), "see target/idle-websocket-clients.err");
                assertEquals(count, openConnections(server), "the server holds every idle WebSocket");
                assertEquals(count + LOOPS, registeredChannels(server), "one channel per connection, and the listeners");
                in.write("close\n");
                in.flush();
                assertEquals("closed " + count + ", " + (count + 1) / 2 + " by handshake", line(out, Duration.ofMinutes(5)));
            } finally {
                clients.destroy();
                clients.waitFor(30, TimeUnit.SECONDS);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((openConnections(server) != 0 || registeredChannels(server) != LOOPS) && System.nanoTime() < deadline) {
                Thread.onSpinWait();   // each call is a turn of the loops: this waits on them, not on time
            }
            assertEquals(0, openConnections(server), "open connections after every close");
            assertEquals(LOOPS, registeredChannels(server), "registered channels after every close: the listeners");
        }
    }

    /** The next line from the child, within {@code limit}. */
    private static String line(BufferedReader out, Duration limit) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static int openConnections(HttpServer server) {
        return server.loops().get(0).submit(() -> server.stats().openConnections()).join();
    }

    private static int registeredChannels(HttpServer server) {
        int sum = 0;
        for (EventLoop loop : server.loops()) {
            sum += loop.submit(() -> loop.stats().registeredChannels()).join();
        }
        return sum;
    }
}
