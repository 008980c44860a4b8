package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.TlsOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The connections to one {@code scheme://host:port}, and the requests waiting for one. For https,
 * each connection runs TLS beneath its {@link ClientConnection}, which does not know.
 *
 * <p>Invariants: at most {@code maxConnectionsPerHost} connections are open or opening; a request
 * waits in FIFO order; a connection is idle only if it is open and reusable; an idle connection
 * is handed out most recently used first (warm, and the least likely to have been closed by the
 * server's idle timeout), and closes itself after the client's idle timeout.
 *
 * <p>A connection is opened on behalf of the first waiting request that has none opening for it,
 * and when it is ready it serves whoever is first in line then. If opening fails, the request it
 * was opened for fails with the reason (refused, timed out, no such host).
 */
final class HostPool {

    final HttpClient client;
    private final String host;
    private final int port;
    /** https: every connection runs TLS, from {@link ClientConfig#tls()}. */
    private final boolean secure;
    private final String key;
    private final List<ClientConnection> connections = new ArrayList<>();
    private final ArrayDeque<ClientConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private int opening;

    HostPool(HttpClient client, String host, int port, boolean secure, String key) {
        this.client = client;
        this.secure = secure;
        this.host = host;
        this.port = port;
        this.key = key;
    }

    /** Queues {@code e} for a connection. */
    void submit(Exchange e) {
        waiting.add(e);
        dispatch();
    }

    /** Takes back {@code e}, which no longer wants a connection (timed out, cancelled). */
    void withdraw(Exchange e) {
        waiting.remove(e);
    }

    // region dispatch
    /** Gives connections to waiting requests while there are connections to give, or room to open one. */
    private void dispatch() {
        while (!waiting.isEmpty()) {
            ClientConnection c = takeIdle();
            if (c != null) {
                c.send(waiting.poll());
                continue;
            }
            if (connections.size() + opening < client.config().maxConnectionsPerHost()) {
                Exchange first = firstWithoutOpening();
                if (first != null) {
                    open(first);
                    continue;
                }
            }
            if (!pipeline()) {
                return;
            }
        }
    }
    // endregion dispatch

    /** With pipelining on, the first waiting request joins the least busy connection that takes it. */
    private boolean pipeline() {
        int depth = client.config().maxPipelined();
        Exchange first = waiting.peek();
        if (depth == 1 || !first.request.idempotent() || first.streamingWanted()) {
            return false;   // RFC 9112 §9.3.2: only idempotent requests are pipelined
        }
        ClientConnection best = null;
        for (ClientConnection c : connections) {
            if (c.acceptsPipelined(depth) && (best == null || c.inFlight() < best.inFlight())) {
                best = c;
            }
        }
        if (best == null) {
            return false;
        }
        best.send(waiting.poll());
        return true;
    }

    private Exchange firstWithoutOpening() {
        for (Exchange e : waiting) {   // at most maxConnectionsPerHost of them are opening
            if (!e.opening) {
                return e;
            }
        }
        return null;
    }

    private ClientConnection takeIdle() {
        ClientConnection c;
        while ((c = idle.pollFirst()) != null) {
            if (c.isIdle()) {
                return c;
            }
        }
        return null;
    }

    // region opening
    private void open(Exchange forWhom) {
        opening++;
        forWhom.opening = true;
        resolve().flatMap(address -> TcpConnection.connect(client.loop(), address, client.config().connectTimeout()))
                .onComplete((tcp, failure) -> {
                    opening--;
                    forWhom.opening = false;
                    if (failure != null) {
                        if (waiting.remove(forWhom)) {
                            forWhom.fail(connectFailure(forWhom, failure));
                        }
                        dispatch();
                        forgetIfEmpty();
                    } else if (client.isClosed()) {
                        tcp.close();
                    } else {
                        if (secure) {
                            // Beneath the HTTP code, before it reads: it sees plaintext.
                            ClientTls tls = client.config().tls();
                            tcp.startTls(tls.engine(host, port), TlsOptions.DEFAULT.withHandshakeTimeout(tls.handshakeTimeout()));
                        }
                        ClientConnection c = new ClientConnection(this, tcp);
                        connections.add(c);
                        client.opened();
                        release(c);
                    }
                });
    }

    // region resolve
    /** The host's address; a name is looked up on the offload pool, because the lookup blocks. */
    private Promise<InetSocketAddress> resolve() {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        try {
            return Promise.succeeded(client.loop(), new InetSocketAddress(InetAddress.ofLiteral(literal), port));
        } catch (IllegalArgumentException notALiteral) {
            return client.loop().offload(() -> new InetSocketAddress(InetAddress.getByName(host), port));
        }
    }
    // endregion resolve

    private HttpClientException connectFailure(Exchange e, Throwable failure) {
        if (failure instanceof UnknownHostException) {
            return e.failure(Kind.DNS, "cannot resolve host " + host + " (" + IoErrors.reason(failure) + ")", failure);
        }
        if (failure instanceof SocketTimeoutException) {
            return e.failure(Kind.CONNECT_TIMEOUT, IoErrors.reason(failure) + " (connect timeout)", failure);
        }
        if (failure instanceof ConnectException) {
            return e.failure(Kind.REFUSED, IoErrors.reason(failure), failure);
        }
        return e.failure(Kind.REFUSED, "cannot connect to " + key + ": " + IoErrors.reason(failure), failure);
    }
    // endregion opening

    // region connections report
    /** {@code c} finished its responses and may be reused. */
    void release(ClientConnection c) {
        Exchange next = waiting.poll();
        if (next != null) {
            c.send(next);
        } else {
            idle.addFirst(c);
            c.startIdleTimer();
        }
    }

    /** {@code c} closed: it frees a place, which a waiting request may take. */
    void closed(ClientConnection c) {
        connections.remove(c);
        idle.remove(c);
        if (!client.isClosed()) {
            dispatch();
            forgetIfEmpty();
        }
    }

    private void forgetIfEmpty() {
        if (connections.isEmpty() && waiting.isEmpty() && opening == 0) {
            client.forget(key, this);
        }
    }
    // endregion connections report

    /** Fails every waiting request and closes every connection: the client is closing. */
    void close(HttpClientException.Kind kind, String why) {
        while (!waiting.isEmpty()) {
            Exchange e = waiting.poll();
            e.fail(e.failure(kind, why, null));
        }
        for (ClientConnection c : new ArrayList<>(connections)) {
            c.giveUp(kind, why);
        }
    }

    int openConnections() {
        return connections.size();
    }

    int idleConnections() {
        return idle.size();
    }

    int waitingRequests() {
        return waiting.size();
    }
}
