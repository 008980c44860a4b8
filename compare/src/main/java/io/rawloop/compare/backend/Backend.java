package io.rawloop.compare.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * The six ways of serving the same HTTP work that {@code compare} measures against each other,
 * and the floor beneath them. Each of the six serves {@link Endpoints} with the same bytes,
 * keep-alive and pipelining, on one event loop or carrier thread where the model has one (the
 * thread-per-connection back-ends have as many threads as connections: that is their model).
 * The seventh, {@link #NIO_FLOOR}, is not an HTTP server: it answers every request with
 * {@code /hello}'s bytes, to show what plain NIO costs with nothing on top.
 */
public enum Backend {

    /** rawloop's server, promise-style handlers. */
    LOOP("loop"),
    /** rawloop's server, coroutine handlers: straight-line code that awaits. */
    LOOP_COROUTINES("loop-coroutines"),
    /** Blocking sockets, a platform thread per connection, rawloop's HTTP codec. */
    THREADS("threads"),
    /** The same code on a virtual thread per connection. */
    VIRTUAL_THREADS("virtual-threads"),
    /** Netty with its NIO transport (a Selector, like ours), its own HTTP codec. */
    NETTY_NIO("netty-nio"),
    /** Netty with its native epoll transport. */
    NETTY_EPOLL("netty-epoll"),
    /**
     * Not an HTTP server: one selector thread that answers every blank line it reads with
     * {@code /hello}'s response. The floor, for {@code /hello} only (see {@link #parsesHttp}).
     */
    NIO_FLOOR("nio-floor");

    private final String id;

    Backend(String id) {
        this.id = id;
    }

    /** The name on the command line: {@code loop}, {@code netty-epoll}, ... */
    public String id() {
        return id;
    }

    /**
     * Whether it reads requests as HTTP and answers each endpoint. False for {@link #NIO_FLOOR},
     * which answers anything that ends in a blank line with {@code /hello}'s response, and so is
     * measured on {@code /hello} only.
     */
    public boolean parsesHttp() {
        return this != NIO_FLOOR;
    }

    /**
     * Whether it also serves {@link WebSocketEcho#PATH}: rawloop's two and Netty's two. The
     * blocking back-ends do not: rawloop has no WebSocket over blocking sockets to run on them.
     */
    public boolean servesWebSocket() {
        return this == LOOP || this == LOOP_COROUTINES || this == NETTY_NIO || this == NETTY_EPOLL;
    }

    /** The back-end named {@code id}; the message lists the names if there is none. */
    public static Backend of(String id) {
        for (Backend b : values()) {
            if (b.id.equals(id.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("no back-end '" + id + "'; there are "
                + String.join(", ", Arrays.stream(values()).map(Backend::id).toList()));
    }

    /**
     * Whether it can serve over TLS. False for {@link #NIO_FLOOR}: a floor under TLS would need an
     * SSLEngine driver of its own, and would then measure that driver and the JDK's crypto, not
     * what NIO alone costs; so TLS runs leave it out, and say so.
     */
    public boolean servesTls() {
        return this != NIO_FLOOR;
    }

    /** Starts serving on {@code address} (port 0: any free port). */
    public Running start(InetSocketAddress address) throws IOException {
        return start(address, null);
    }

    /**
     * Starts serving on {@code address}, over TLS with {@code tls}'s key when it is not null, each
     * model with its own stack's TLS on the JDK's provider (see {@link BenchCertificate}).
     *
     * @throws IllegalArgumentException for TLS on a back-end that does not {@link #servesTls}
     */
    public Running start(InetSocketAddress address, BenchCertificate tls) throws IOException {
        if (tls != null && !servesTls()) {
            throw new IllegalArgumentException(id + " does not serve TLS: it is no HTTP server, only the plain NIO floor");
        }
        SSLContext context = tls == null ? null : tls.serverContext();
        return switch (this) {
            case LOOP -> LoopBackend.start(address, false, context);
            case LOOP_COROUTINES -> LoopBackend.start(address, true, context);
            // region models
            case THREADS -> BlockingBackend.start(address, Thread.ofPlatform().name("conn-", 0).factory(), context);
            case VIRTUAL_THREADS -> BlockingBackend.start(address, Thread.ofVirtual().name("conn-", 0).factory(), context);
            // endregion models
            case NETTY_NIO -> NettyBackend.start(address, false, tls == null ? null : NettyTls.server(tls));
            case NETTY_EPOLL -> NettyBackend.start(address, true, tls == null ? null : NettyTls.server(tls));
            case NIO_FLOOR -> NioFloorBackend.start(address);
        };
    }

    /** A back-end that is serving. */
    public interface Running extends AutoCloseable {
        /** The port it listens on. */
        int port();

        /**
         * The one thread its event loop or selector runs on, for figures of that thread alone;
         * empty where the model has none (a thread per connection).
         */
        default Optional<Thread> loopThread() {
            return Optional.empty();
        }

        /** Stops serving and frees the port. */
        @Override
        void close();
    }
}
