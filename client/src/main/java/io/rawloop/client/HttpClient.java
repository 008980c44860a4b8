package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP/1.1 client on one {@link EventLoop}: requests return promises, so a coroutine reads
 * like blocking code and a thousand requests in flight cost a thousand small objects, not a
 * thousand threads.
 *
 * <pre>{@code
 * HttpClient client = HttpClient.create(loop);
 * loop.spawn(() -> {
 *     HttpResponse r = await(client.get("http://127.0.0.1:8080/hello"));
 *     System.out.println(r.status() + " " + r.bodyText());
 *     return null;
 * });
 * }</pre>
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>https:// over TLS 1.3 or 1.2, with SNI and the server's name checked against its
 *       certificate; trust from the JDK's store, a CA file, or none at all ({@link ClientTls}).</li>
 *   <li>A keep-alive pool per {@code scheme://host:port} ({@link HostPool}): a cap on connections per host
 *       (requests beyond it wait), idle connections closed after the idle timeout, a connection that
 *       failed, was read only in part, or was told {@code Connection: close} never reused.
 *       Pipelining is off unless {@link ClientConfig#maxPipelined()} says otherwise.</li>
 *   <li>Host names are resolved on the loop's offload pool: {@code InetAddress.getByName} blocks.</li>
 *   <li>Connect, response-header and total timeouts, all loop timers.</li>
 *   <li>Content-Length, chunked and close-delimited bodies, 1xx skipped, HEAD, 204 and 304 read
 *       without a body: the codec's {@link io.rawloop.http.ResponseParser} decides.</li>
 *   <li>Every failure is an {@link HttpClientException} whose message says what and where.</li>
 *   <li>An idempotent request whose kept-alive connection turns out to be closed, before any byte
 *       of the response, is sent once more on another connection (RFC 9112 §9.3.1).</li>
 * </ul>
 *
 * <p>Loop-confined, like everything on the loop: call it on the loop's thread (from a coroutine,
 * a callback, or {@code loop.execute}). Not thread-safe by design.
 */
public final class HttpClient implements AutoCloseable {

    private final EventLoop loop;
    private final ClientConfig config;
    private final Map<String, HostPool> pools = new HashMap<>();
    private boolean closed;
    private long requests;
    private long failures;
    private long retries;
    private long connectionsOpened;
    private long bytesSent;
    private long bytesReceived;

    private HttpClient(EventLoop loop, ClientConfig config) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** A client with {@link ClientConfig#DEFAULT}. */
    public static HttpClient create(EventLoop loop) {
        return create(loop, ClientConfig.DEFAULT);
    }

    /** A client with the given limits and timeouts. */
    public static HttpClient create(EventLoop loop, ClientConfig config) {
        return new HttpClient(loop, config);
    }

    /** Sends {@code request}; the promise holds the whole response, or an {@link HttpClientException}. */
    public Promise<HttpResponse> send(HttpRequest request) {
        check("send", request);
        return Call.whole(this, request);
    }

    /** A GET of {@code url}. */
    public Promise<HttpResponse> get(String url) {
        return send(HttpRequest.get(url));
    }

    /**
     * Sends {@code request}; the promise holds the response once its head has arrived, and its
     * body is read from the {@link ResponseStream}, with backpressure. The total timeout covers
     * the exchange up to the head. Read the stream to its end, or close it.
     */
    public Promise<ResponseStream> stream(HttpRequest request) {
        check("stream", request);
        return Call.streamed(this, request);
    }

    /**
     * Opens a WebSocket to {@code uri} ({@code ws://}, or {@code wss://} over TLS with the
     * trust of {@link ClientConfig#tls()}), on a connection of its own: the promise
     * holds the connection once the server's 101 is checked, or an {@link HttpClientException}
     * ({@link Kind#HANDSHAKE} when the server answered something else).
     */
    public Promise<io.rawloop.client.websocket.WebSocket> websocket(java.net.URI uri) {
        return websocket(uri, io.rawloop.client.websocket.WebSocketOptions.DEFAULT);
    }

    /** As {@link #websocket(java.net.URI)}, with limits and timeouts, offering {@code subprotocols}. */
    public Promise<io.rawloop.client.websocket.WebSocket> websocket(java.net.URI uri,
            io.rawloop.client.websocket.WebSocketOptions options, String... subprotocols) {
        if (!loop.inLoop()) {
            throw new IllegalStateException("HttpClient.websocket must run on its loop's thread (" + loop + ")");
        }
        return WebSocketHandshake.open(this, uri, options, java.util.List.of(subprotocols));
    }

    /** The client's figures now. Loop thread. */
    public ClientStats stats() {
        int open = 0;
        int idle = 0;
        int waiting = 0;
        for (HostPool p : pools.values()) {
            open += p.openConnections();
            idle += p.idleConnections();
            waiting += p.waitingRequests();
        }
        return new ClientStats(open, idle, waiting, connectionsOpened, requests, failures, retries, bytesSent,
                bytesReceived);
    }

    /** The loop the client runs on. */
    public EventLoop loop() {
        return loop;
    }

    /** The limits and timeouts. */
    public ClientConfig config() {
        return config;
    }

    /** Fails every request in flight or waiting ({@link Kind#CANCELLED}) and closes every connection. */
    @Override
    public void close() {
        if (!loop.inLoop()) {
            throw new IllegalStateException("HttpClient.close must run on its loop's thread");
        }
        if (closed) {
            return;
        }
        closed = true;
        for (HostPool p : new ArrayList<>(pools.values())) {
            p.close(Kind.CANCELLED, "the client was closed");
        }
        pools.clear();
    }

    private void check(String what, HttpRequest request) {
        Objects.requireNonNull(request, "request");
        if (!loop.inLoop()) {
            throw new IllegalStateException("HttpClient." + what + " must run on its loop's thread (" + loop
                    + "); from another thread, use loop.execute or loop.submit");
        }
        if (closed) {
            throw new IllegalStateException("HttpClient." + what + " after close()");
        }
    }

    // Package-private: what pools, connections and calls report.
    HostPool pool(HttpRequest request) {
        return pools.computeIfAbsent(request.hostKey(),
                key -> new HostPool(this, request.host(), request.port(), request.secure(), key));
    }

    void forget(String key, HostPool pool) {
        pools.remove(key, pool);
    }

    boolean isClosed() {
        return closed;
    }

    void requested() {
        requests++;
    }

    void failed() {
        failures++;
    }

    void retried() {
        retries++;
    }

    void opened() {
        connectionsOpened++;
    }

    void sent(long bytes) {
        bytesSent += bytes;
    }

    void received(long bytes) {
        bytesReceived += bytes;
    }
}
