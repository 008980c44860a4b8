package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.Headers;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.HttpWriter;
import io.rawloop.http.ResponseHead;
import io.rawloop.http.ResponseParser;
import io.rawloop.http.websocket.Handshake;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import io.rawloop.loop.TlsOptions;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * The client's opening handshake (RFC 6455 §4.1): a connection of its own (never the pool's),
 * the GET with Upgrade and a fresh key, and the checks of the 101 that §4.1 lists, each failure
 * an {@link HttpClientException} that names it. The bytes after the 101's head are the first
 * frames, handed to the {@link WebSocket}.
 */
final class WebSocketHandshake implements ConnectionHandler {

    private static final SecureRandom KEYS = new SecureRandom();

    private final HttpClient client;
    private final URI uri;
    private final WebSocketOptions options;
    private final List<String> subprotocols;
    private final String key = Handshake.newKey(KEYS);
    private final ResponseParser parser = new ResponseParser();
    private final Promise<WebSocket> result;
    private Timer headerTimer;
    /** wss: TLS beneath the handshake. */
    private boolean secure;

    private WebSocketHandshake(HttpClient client, URI uri, WebSocketOptions options, List<String> subprotocols) {
        this.client = client;
        this.uri = uri;
        this.options = options;
        this.subprotocols = subprotocols;
        this.result = new Promise<>(client.loop());
    }

    static Promise<WebSocket> open(HttpClient client, URI uri, WebSocketOptions options, List<String> subprotocols) {
        WebSocketHandshake h = new WebSocketHandshake(client, uri, options, subprotocols);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("ws") || scheme.equals("wss")) || uri.getHost() == null) {
            return h.failed(Kind.UNSUPPORTED, "a WebSocket URL is ws://host[:port]/path or wss://host[:port]/path", null);
        }
        h.secure = scheme.equals("wss");
        int port = uri.getPort() < 0 ? (h.secure ? 443 : 80) : uri.getPort();
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        Promise<InetSocketAddress> address;
        try {
            address = Promise.succeeded(client.loop(), new InetSocketAddress(InetAddress.ofLiteral(host), port));
        } catch (IllegalArgumentException notALiteral) {
            address = client.loop().offload(() -> new InetSocketAddress(InetAddress.getByName(host), port));
        }
        address.flatMap(a -> TcpConnection.connect(client.loop(), a, client.config().connectTimeout()))
                .onComplete((tcp, failure) -> {
                    if (failure != null) {
                        h.connectFailed(failure);
                    } else {
                        h.connected(tcp);
                    }
                });
        return h.result;
    }

    private void connectFailed(Throwable failure) {
        Kind kind = failure instanceof UnknownHostException ? Kind.DNS
                : failure instanceof SocketTimeoutException ? Kind.CONNECT_TIMEOUT : Kind.REFUSED;
        String prefix = failure instanceof ConnectException || kind != Kind.REFUSED ? "" : "cannot connect: ";
        fail(kind, prefix + IoErrors.reason(failure), failure);
    }

    private void connected(TcpConnection tcp) {
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String hostField = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        HttpWriter out = new HttpWriter().requestLine("GET", target).field("Host", hostField)
                .field("Upgrade", "websocket").field("Connection", "Upgrade").field("Sec-WebSocket-Key", key)
                .field("Sec-WebSocket-Version", Handshake.VERSION);
        if (!subprotocols.isEmpty()) {
            out.field("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (secure) {
            // wss (RFC 6455 §3): TLS beneath the handshake, as for https, from the client's own trust.
            ClientTls tls = client.config().tls();
            tcp.startTls(tls.engine(host(), port()), TlsOptions.DEFAULT.withHandshakeTimeout(tls.handshakeTimeout()));
        }
        tcp.setHandler(this);
        tcp.write(out.endHead().take());
        headerTimer = client.loop().schedule(client.config().headerTimeout(), () -> {
            fail(Kind.HEADER_TIMEOUT, "no answer to the WebSocket handshake within "
                    + client.config().headerTimeout().toMillis() + " ms", null);
            tcp.close();
        });
    }

    @Override
    public void onData(TcpConnection tcp, ByteBuffer data) {
        try {
            if (parser.parse(data) != HttpEvent.HEAD) {
                return;   // NEED_MORE: the head is not complete yet
            }
        } catch (HttpException e) {
            refuse(tcp, Kind.MALFORMED, "the answer to the handshake is not HTTP: " + e.getMessage());
            return;
        }
        ResponseHead head = parser.head();
        String problem = problem(head);
        if (problem != null) {
            refuse(tcp, head.status() == 101 ? Kind.MALFORMED : Kind.HANDSHAKE, problem);
            return;
        }
        headerTimer.cancel();
        WebSocket socket = WebSocket.over(tcp, true, options);
        tcp.setHandler(socket.handler());
        // The server's first frames may have come with its 101. They wait until whoever awaited the handshake
        // has had the socket (set a listener, or called receive()): a message followed, in the same read, by a
        // frame that fails the connection would otherwise be parsed before anyone could answer it, and its
        // answer refused (Autobahn 3.2: a message, then a frame with a reserved bit set, echoed by a strict
        // client before its 1002). Reading pauses meanwhile, so that nothing overtakes them.
        ByteBuffer early = ByteBuffer.allocate(data.remaining()).put(data).flip();
        tcp.pauseReading();
        result.complete(socket);
        result.onComplete((s, e) -> {
            socket.start(early);
            if (tcp.isOpen()) {
                tcp.resumeReading();
            }
        });
    }

    /** What is wrong with the server's answer, per §4.1's list, or null. */
    private String problem(ResponseHead head) {
        Headers h = head.headers();
        if (head.status() != 101) {
            return "the server answered " + head.status() + " " + head.reason() + ", not 101"
                    + (h.get("Sec-WebSocket-Version") != null ? " (it speaks version " + h.get("Sec-WebSocket-Version")
                    + ")" : "");
        }
        if (!h.hasToken("Upgrade", "websocket") || !h.hasToken("Connection", "upgrade")) {
            return "the 101 lacks Upgrade: websocket or Connection: Upgrade";
        }
        if (!Handshake.accept(key).equals(h.get("Sec-WebSocket-Accept"))) {
            return "Sec-WebSocket-Accept is " + h.get("Sec-WebSocket-Accept") + ", not the hash of our key";
        }
        if (h.contains("Sec-WebSocket-Extensions")) {
            return "the server chose an extension we did not offer: " + h.get("Sec-WebSocket-Extensions");
        }
        String protocol = h.get("Sec-WebSocket-Protocol");
        if (protocol != null && !subprotocols.contains(protocol)) {
            return "the server chose subprotocol " + protocol + ", which we did not offer";
        }
        return null;
    }

    private void refuse(TcpConnection tcp, Kind kind, String why) {
        fail(kind, why, null);
        tcp.close();   // §4.1: "the client MUST _Fail the WebSocket Connection_"
    }

    @Override
    public void onEndOfStream(TcpConnection tcp) {
        fail(Kind.CLOSED, "the server closed the connection before answering the handshake", null);
        tcp.close();
    }

    @Override
    public void onClose(TcpConnection tcp, Throwable cause) {
        if (headerTimer != null) {
            headerTimer.cancel();
        }
        if (cause instanceof SSLException tlsFailed) {
            result.fail(TlsFailure.of("GET", uri, host(), port(), tlsFailed, "during the WebSocket handshake"));
            return;
        }
        fail(cause == null ? Kind.CLOSED : Kind.RESET, "the connection closed during the handshake"
                + (cause == null ? "" : ": " + IoErrors.reason(cause)), cause);
    }

    private String host() {
        return uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
    }

    private int port() {
        return uri.getPort() < 0 ? (secure ? 443 : 80) : uri.getPort();
    }

    private void fail(Kind kind, String why, Throwable cause) {
        result.fail(new HttpClientException(kind, "GET", uri, why, cause));
    }

    private Promise<WebSocket> failed(Kind kind, String why, Throwable cause) {
        fail(kind, why, cause);
        return result;
    }
}
