package io.rawloop.compare.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.backend.WebSocketEcho;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The warm-up and the measured time run on the same connections, and the measured-time hook runs
 * once, between them: what {@code bench} takes the server's figures at. A fresh set of connections
 * for the measured time put a recompilation of every back-end's hot path into its first second
 * (compare/RESULTS.md).
 */
@Timeout(60)
class WarmConnectionsTest {

    @Test
    void theMeasuredTimeUsesTheWarmUpsConnectionsAndTheHookRunsBetween() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
        AtomicInteger answered = new AtomicInteger();
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/hello", exchange -> {
            clientPorts.add(exchange.getRemoteAddress().getPort());
            exchange.sendResponseHeaders(200, hello.length);
            exchange.getResponseBody().write(hello);
            exchange.close();
            answered.incrementAndGet();
        });
        server.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hello");
            AtomicInteger hooks = new AtomicInteger();
            AtomicReference<Set<Integer>> portsAtHook = new AtomicReference<>();
            AtomicInteger answeredAtHook = new AtomicInteger();
            LoadGenerator.Result r = LoadGenerator.run(new LoadGenerator.Plan(url, 4, 400, Duration.ofMillis(500),
                    Duration.ofMillis(500), 1), () -> {
                hooks.incrementAndGet();
                portsAtHook.set(Set.copyOf(clientPorts));
                answeredAtHook.set(answered.get());
            });
            assertTrue(r.errors().isEmpty(), r.errors().toString());
            assertEquals(1, hooks.get(), "the hook runs once");
            assertTrue(answeredAtHook.get() > 0, "the warm-up was answered before the hook");
            assertTrue(r.completed() > 0 && r.completed() < answered.get(), "only the measured time counts: "
                    + r.completed() + " of " + answered.get());
            // The hook ran when the measured time began, not at its end: every answer measured came
            // after it, but for the four that may have been on their way.
            assertTrue(answered.get() - answeredAtHook.get() >= r.completed() - 4, answered.get() + " answered, "
                    + answeredAtHook.get() + " at the hook, " + r.completed() + " measured");
            assertEquals(4, portsAtHook.get().size(), "four connections warmed up: " + portsAtHook.get());
            assertEquals(portsAtHook.get(), clientPorts, "no connection is new in the measured time");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aWebSocketRunCallsTheHookOnce() throws Exception {
        try (Backend.Running server = Backend.LOOP.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            URI url = URI.create("ws://127.0.0.1:" + server.port() + WebSocketEcho.PATH);
            AtomicInteger hooks = new AtomicInteger();
            LoadGenerator.Result r = WsLoadGenerator.run(new WsLoadGenerator.Plan(url, 2, 200, 16, Duration.ofMillis(300),
                    Duration.ofMillis(300), 1), hooks::incrementAndGet);
            assertTrue(r.errors().isEmpty(), r.errors().toString());
            assertEquals(1, hooks.get(), "the hook runs once");
            assertTrue(r.completed() > 0, "echoes were measured");
        }
    }
}
