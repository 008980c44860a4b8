package io.rawloop.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection cap is one cap for the whole server, however many loops accept. Before the fix,
 * pausing was per loop: two loops could both accept "the last" connection, and a loop that paused
 * stayed paused once its own connections had closed while the others held the cap.
 */
@Timeout(120)
class ConnectionCapTest {

    private static final int CAP = 3;

    @ParameterizedTest(name = "{0} loops")
    @ValueSource(ints = {2, 4})
    void neverMoreThanTheCapOpenAndEveryLoopAcceptsAgainOnceConnectionsClose(int loops) throws Exception {
        AtomicInteger mostOpen = new AtomicInteger();
        Set<String> servedOn = ConcurrentHashMap.newKeySet();
        HttpServer[] self = new HttpServer[1];
        Router routes = new Router().get("/hello", Handler.of(r -> {
            // Seen from inside the server, on every request: how many connections are open now.
            mostOpen.accumulateAndGet(self[0].stats().openConnections(), Math::max);
            servedOn.add(Thread.currentThread().getName());
            return Response.text(200, "Hello, World!");
        }));
        ServerConfig config = ServerConfig.DEFAULT.withMaxConnections(CAP);
        try (HttpServer server = HttpServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), loops,
                config, routes);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            self[0] = server;
            // The cap is held by connections that have been answered and stay open.
            List<Socket> holders = new ArrayList<>();
            for (int i = 0; i < CAP; i++) {
                Socket holder = Sockets.open(server.port());
                holders.add(holder);
                assertEquals(List.of("200 Hello, World!"), get(holder));
            }
            // Newcomers land in every loop's backlog (the kernel spreads them by port). Each is
            // answered once some loop accepts it, then closes, which frees a place for the next.
            int newcomers = 12 * loops;
            List<Future<List<String>>> answers = new ArrayList<>();
            for (int i = 0; i < newcomers; i++) {
                Socket newcomer = Sockets.open(server.port());
                newcomer.getOutputStream().write(REQUEST);
                answers.add(clients.submit(() -> {
                    try (newcomer) {
                        return ServerTest.readResponses(newcomer.getInputStream(), 1);
                    }
                }));
            }
            for (Socket holder : holders) {
                holder.close();
            }
            for (Future<List<String>> answer : answers) {
                assertEquals(List.of("200 Hello, World!"), answer.get(60, TimeUnit.SECONDS), "every newcomer is served");
            }
            System.out.printf("cap %d on %d loops: %d newcomers served on %s; at most %d open%n", CAP, loops, newcomers,
                    new java.util.TreeSet<>(servedOn), mostOpen.get());
            assertTrue(mostOpen.get() <= CAP, "at most " + CAP + " open at once, saw " + mostOpen.get());
            for (int i = 0; i < 10_000 && server.stats().openConnections() != 0; i++) {
                server.loops().get(i % loops).submit(() -> null).join();   // a turn of each loop until all closed
            }
            assertEquals(0, server.stats().openConnections(), "every place was given back");
        }
    }

    private static final byte[] REQUEST = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static List<String> get(Socket socket) throws Exception {
        socket.getOutputStream().write(REQUEST);
        return ServerTest.readResponses(socket.getInputStream(), 1);
    }
}
