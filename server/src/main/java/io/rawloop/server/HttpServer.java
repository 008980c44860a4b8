package io.rawloop.server;

import io.rawloop.loop.Clock;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.EventLoopGroup;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.TcpListener;
import io.rawloop.loop.Timer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;

/**
 * The HTTP/1.1 server: one event loop per core (or as many as asked), each with its own
 * listener on the same port (SO_REUSEPORT), each connection handled on the loop that accepted
 * it by a {@link ServerConnection}.
 *
 * <pre>{@code
 * Router router = new Router().get("/hello", Handler.of(request -> Response.text(200, "Hello, World!")));
 * HttpServer server = HttpServer.start(new InetSocketAddress("127.0.0.1", 8080), 1, ServerConfig.DEFAULT, router);
 * ...
 * server.shutdown().join();   // graceful: in-flight requests finish, within the deadline
 * }</pre>
 * With TLS, on a second port beside the plain one (the listeners in the order given):
 * <pre>{@code
 * SSLContext context = TlsFiles.serverContext(Path.of("chain.pem"), Path.of("key.pem"));
 * HttpServer server = HttpServer.start(List.of(Listener.plain(plainAddress), Listener.tls(tlsAddress, context)),
 *         1, ServerConfig.DEFAULT, router, Clock.system());
 * int httpsPort = server.address(1).getPort();
 * }</pre>
 */
public final class HttpServer implements AutoCloseable {

    private final ServerConfig config;
    private final Handler handler;
    private final EventLoopGroup group;
    private final Map<EventLoop, PerLoop> loops = new HashMap<>();
    private final List<InetSocketAddress> addresses = new ArrayList<>();
    private final ServerTls.Figures tlsFigures = new ServerTls.Figures();
    private volatile boolean shuttingDown;
    /** Set by the first {@link #shutdown()}; every later call returns it. */
    private CompletableFuture<Void> shutdown;
    private final ConnectionCap cap;
    /** Connections accepted and not yet closed (the cap also counts accepts under way). */
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong writeStalls = new AtomicLong();

    /** What the server keeps for each of its loops (not a loop itself); touched only on that loop's thread. */
    private static final class PerLoop {
        final List<TcpListener> listeners = new ArrayList<>();
        final Set<ServerConnection> connections = new HashSet<>();
        CompletableFuture<Void> drained;
        Timer deadline;
    }

    /**
     * Where a server listens, and whether with TLS.
     *
     * @param address where to bind (port 0: any free port)
     * @param tls     the context whose key and certificate the TLS handshakes use (see
     *                {@link io.rawloop.loop.TlsFiles}), or null for plain HTTP
     */
    public record Listener(InetSocketAddress address, SSLContext tls) {

        /** Requires an address. */
        public Listener {
            Objects.requireNonNull(address, "address");
        }

        /** Plain HTTP on {@code address}. */
        public static Listener plain(InetSocketAddress address) {
            return new Listener(address, null);
        }

        /** HTTPS on {@code address}, with {@code context}'s key and certificate. */
        public static Listener tls(InetSocketAddress address, SSLContext context) {
            return new Listener(address, Objects.requireNonNull(context, "context"));
        }
    }

    private HttpServer(ServerConfig config, Handler handler, int loopCount, List<Listener> bindTo, Clock clock)
            throws IOException {
        this.config = config;
        this.cap = new ConnectionCap(config.maxConnections());
        this.group = new EventLoopGroup(loopCount, "rawloop-server", clock);
        // In the loops' debug mode, a slow callback is logged with the request it was handling.
        this.handler = group.loops().get(0).isDebug() ? new DescribedHandler(handler) : handler;
        try {
            for (EventLoop loop : group.loops()) {
                loops.put(loop, new PerLoop());
            }
            if (bindTo.isEmpty()) {
                throw new IllegalArgumentException("a server needs at least one listener");
            }
            for (Listener wanted : bindTo) {
                ServerTls tls = wanted.tls() == null ? null : new ServerTls(wanted.tls(), config, tlsFigures);
                List<TcpListener> listeners = group.listenOnEach(wanted.address(), 1024, cap, c -> accept(c, tls));
                for (TcpListener listener : listeners) {
                    loops.get(listener.loop()).listeners.add(listener);
                }
                addresses.add(listeners.get(0).localAddress());
            }
        } catch (IOException | RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /**
     * Starts a server on {@code loopCount} loops, listening on {@code address} (port 0: any
     * free port; {@link #port()} says which).
     *
     * @throws IOException if the address cannot be bound; the message names it
     */
    public static HttpServer start(InetSocketAddress address, int loopCount, ServerConfig config, Handler handler)
            throws IOException {
        return new HttpServer(config, handler, loopCount, List.of(Listener.plain(address)), Clock.system());
    }

    /** As {@link #start(InetSocketAddress, int, ServerConfig, Handler)}, with the loops' timers on {@code clock}. */
    public static HttpServer start(InetSocketAddress address, int loopCount, ServerConfig config, Handler handler,
                                   Clock clock) throws IOException {
        return new HttpServer(config, handler, loopCount, List.of(Listener.plain(address)), clock);
    }

    /**
     * Starts a server on {@code loopCount} loops with every listener in {@code listeners}, plain
     * or TLS ({@link #address(int)} says where each is bound, in the same order).
     *
     * @throws IOException if an address cannot be bound; the message names it
     */
    public static HttpServer start(List<Listener> listeners, int loopCount, ServerConfig config, Handler handler,
                                   Clock clock) throws IOException {
        return new HttpServer(config, handler, loopCount, List.copyOf(listeners), clock);
    }

    // region accept
    private void accept(TcpConnection connection, ServerTls tls) {
        // The listener claimed this connection's place in the cap before accepting it.
        PerLoop loop = loops.get(connection.loop());
        if (shuttingDown) {
            connection.close();
            cap.release();
            return;
        }
        accepted.incrementAndGet();
        open.incrementAndGet();
        ServerConnection server = new ServerConnection(this, connection, tls != null);
        loop.connections.add(server);
        if (tls != null) {
            tls.start(connection);   // beneath the handler, before it reads: HTTP sees plaintext
        }
        connection.setHandler(server);
    }
    // endregion accept

    void connectionClosed(ServerConnection connection, EventLoop on) {
        open.decrementAndGet();
        cap.release();
        PerLoop loop = loops.get(on);
        loop.connections.remove(connection);
        if (loop.drained != null && loop.connections.isEmpty()) {
            loop.deadline.cancel();
            loop.drained.complete(null);
        }
    }

    // region shutdown
    /**
     * Graceful shutdown: stop accepting, close idle connections, let in-flight
     * requests finish and answer any that arrive meanwhile with Connection: close; at the deadline,
     * close what is left. The future completes when every connection is closed; the loops stop.
     * Every call returns the same future. Any thread.
     */
    public synchronized CompletableFuture<Void> shutdown() {
        if (shutdown != null) {
            return shutdown;
        }
        shuttingDown = true;
        List<CompletableFuture<Void>> perLoop = new ArrayList<>();
        for (Map.Entry<EventLoop, PerLoop> e : loops.entrySet()) {
            PerLoop loop = e.getValue();
            CompletableFuture<Void> drained = new CompletableFuture<>();
            perLoop.add(drained);
            e.getKey().execute(() -> {
                loop.listeners.forEach(TcpListener::close);
                loop.drained = drained;
                loop.deadline = e.getKey().schedule(config.shutdownDeadline(),
                        () -> List.copyOf(loop.connections).forEach(ServerConnection::abort));
                List.copyOf(loop.connections).forEach(ServerConnection::shutdown);
                if (loop.connections.isEmpty()) {
                    loop.deadline.cancel();
                    drained.complete(null);
                }
            });
        }
        shutdown = CompletableFuture.allOf(perLoop.toArray(CompletableFuture[]::new))
                .thenRun(() -> Thread.ofPlatform().start(group::close));
        return shutdown;
    }
    // endregion shutdown

    /** Closes every connection and loop at once. */
    @Override
    public void close() {
        shuttingDown = true;
        group.close();
    }

    /** The (first listener's) bound address, with the real port. */
    public InetSocketAddress address() {
        return addresses.get(0);
    }

    /** Where the listener at {@code index} (in the order given to start) is bound. */
    public InetSocketAddress address(int index) {
        return addresses.get(index);
    }

    /** The (first listener's) bound port. */
    public int port() {
        return address().getPort();
    }

    /** After a manual clock moved: every loop looks at its timers (see {@link EventLoopGroup#wakeAll()}). */
    public void wakeLoops() {
        group.wakeAll();
    }

    /** The loops, for their own figures ({@link EventLoop#stats()}). */
    public List<EventLoop> loops() {
        return group.loops();
    }

    /** The server's figures. Any thread. */
    public ServerStats stats() {
        long acceptFailures = 0;
        for (PerLoop loop : loops.values()) {
            for (TcpListener listener : loop.listeners) {
                acceptFailures += listener.acceptFailures();
            }
        }
        return new ServerStats(open.get(), accepted.get(), requests.get(), responses.get(), rejected.get(),
                writeStalls.get(), acceptFailures);
    }

    /**
     * The server's figures.
     *
     * @param openConnections     connections open now
     * @param acceptedConnections connections accepted since start
     * @param requests            requests read completely and handed to the handler
     * @param responses           responses written (including rejections)
     * @param rejected            requests refused by the parser or a timeout (4xx/5xx, then closed)
     * @param writeStalls         connections closed because the client stopped reading
     * @param acceptFailures      accepts that failed (out of file descriptors: EMFILE), each followed by a back-off
     */
    public record ServerStats(int openConnections, long acceptedConnections, long requests, long responses,
                              long rejected, long writeStalls, long acceptFailures) {
    }

    /** The TLS listeners' figures. Any thread. */
    public TlsStats tlsStats() {
        return tlsFigures.snapshot();
    }

    /**
     * The TLS listeners' figures.
     *
     * @param handshakes        handshakes finished
     * @param handshakeFailures connections whose TLS ended before a handshake finished, with an error: refused
     *                          by the engine, timed out, plain HTTP or garbage, the peer giving up
     * @param versions          finished handshakes by protocol ({@code TLSv1.3}, {@code TLSv1.2})
     */
    public record TlsStats(long handshakes, long handshakeFailures, Map<String, Long> versions) {
    }

    // Package-private: what connections report and ask.
    ServerConfig config() {
        return config;
    }

    Handler handler() {
        return handler;
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    void requestReceived() {
        requests.incrementAndGet();
    }

    void responseSent() {
        responses.incrementAndGet();
    }

    void requestRejected() {
        rejected.incrementAndGet();
    }

    void writeStalled() {
        writeStalls.incrementAndGet();
    }
}
