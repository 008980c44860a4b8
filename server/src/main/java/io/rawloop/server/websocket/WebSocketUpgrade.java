package io.rawloop.server.websocket;

import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.Headers;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.websocket.CloseCodes;
import io.rawloop.http.websocket.Handshake;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.server.Handler;
import io.rawloop.server.ProtocolHandler;
import io.rawloop.server.Request;
import io.rawloop.server.Response;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A route's handler that upgrades to WebSocket (RFC 6455 §4.2): checks the opening handshake,
 * answers {@code 101} with Sec-WebSocket-Accept, and hands the connection to a
 * {@link WebSocket} that the endpoint then drives.
 *
 * <pre>{@code
 * router.get("/ws/echo", WebSocketUpgrade.of((socket, request, protocol) -> socket.listen(new WebSocket.Listener() {
 *     public void onText(WebSocket s, String text) { s.send(text); }
 * })));
 * }</pre>
 *
 * A refused handshake gets a plain HTTP answer, and the connection then closes: not a GET over
 * HTTP/1.1, or no valid Sec-WebSocket-Key, 400; no {@code Upgrade: websocket} at all, or another
 * version than 13, 426 with {@code Sec-WebSocket-Version: 13} (§4.4); an origin the check
 * refuses, 403 (§4.2.2, §10.2). Extensions are declined: Sec-WebSocket-Extensions (such as
 * permessage-deflate) is never answered, so the client must not use any (§9.1), and every
 * reserved bit stays an error.
 */
public final class WebSocketUpgrade implements Handler {

    private final WebSocketEndpoint endpoint;
    private final WebSocketOptions options;
    private final List<String> subprotocols;
    private final Predicate<String> origins;

    private WebSocketUpgrade(WebSocketEndpoint endpoint, WebSocketOptions options, List<String> subprotocols,
                             Predicate<String> origins) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.options = Objects.requireNonNull(options, "options");
        this.subprotocols = List.copyOf(subprotocols);
        this.origins = Objects.requireNonNull(origins, "origins");
    }

    /** An upgrade with the default options, no subprotocol, any origin. */
    public static WebSocketUpgrade of(WebSocketEndpoint endpoint) {
        return new WebSocketUpgrade(endpoint, WebSocketOptions.DEFAULT, List.of(), origin -> true);
    }

    /** This upgrade with other options (limits, timeouts). */
    public WebSocketUpgrade options(WebSocketOptions to) {
        return new WebSocketUpgrade(endpoint, to, subprotocols, origins);
    }

    /**
     * This upgrade offering {@code supported} subprotocols, in order of preference: the first of
     * them that the client lists is chosen (§4.2.2 step 5.5); none in common, none is chosen.
     */
    public WebSocketUpgrade subprotocols(String... supported) {
        return new WebSocketUpgrade(endpoint, options, List.of(supported), origins);
    }

    /**
     * This upgrade allowing only the origins {@code check} accepts (it gets the Origin field, or
     * null when a non-browser client sent none): a browser sends the page's origin, and a server
     * that trusts cookies must refuse other sites' pages (§10.2).
     */
    public WebSocketUpgrade origins(Predicate<String> check) {
        return new WebSocketUpgrade(endpoint, options, subprotocols, check);
    }

    // region handshake
    @Override
    public Promise<Response> handle(Request request, EventLoop loop) {
        return Promise.succeeded(loop, answer(request));
    }

    /** The 101, or the refusal: §4.2.1's checks in order. */
    Response answer(Request request) {
        Headers headers = request.headers();
        if (!headers.hasToken("Upgrade", "websocket") || !headers.hasToken("Connection", "upgrade")) {
            return refuse(426, "this is a WebSocket endpoint: ask for Upgrade: websocket with Connection: Upgrade");
        }
        if (!request.method().equals("GET") || request.version() != HttpVersion.HTTP_1_1) {
            return refuse(400, "a WebSocket handshake is a GET over HTTP/1.1, not " + request.method() + " over "
                    + request.version());
        }
        if (!Handshake.VERSION.equals(headers.get("Sec-WebSocket-Version"))) {
            return refuse(426, "Sec-WebSocket-Version " + headers.get("Sec-WebSocket-Version")
                    + " is not supported: only 13");
        }
        String key = headers.get("Sec-WebSocket-Key");
        if (headers.count("Sec-WebSocket-Key") != 1 || !Handshake.isValidKey(key)) {
            return refuse(400, "Sec-WebSocket-Key must be one base64 value of 16 bytes");
        }
        String origin = headers.get("Origin");
        if (!origins.test(origin)) {
            return Response.text(403, "origin " + origin + " may not open a WebSocket here\n");
        }
        String chosen = choose(headers);
        Response response = Response.switchingProtocols("websocket", new Switch(request, chosen))
                .header("Sec-WebSocket-Accept", Handshake.accept(key));
        return chosen == null ? response : response.header("Sec-WebSocket-Protocol", chosen);
    }

    private String choose(Headers headers) {
        for (String ours : subprotocols) {
            if (headers.hasToken("Sec-WebSocket-Protocol", ours)) {
                return ours;
            }
        }
        return null;
    }

    private static Response refuse(int status, String why) {
        return Response.text(status, status + ": " + why + "\n").header("Sec-WebSocket-Version", Handshake.VERSION);
    }
    // endregion handshake

    /** The connection after the 101: events forwarded to its WebSocket. */
    private final class Switch implements ProtocolHandler {
        /** Until the endpoint has it: then let go, as the request's head and fields are no use to an open socket. */
        private Request request;
        private final String subprotocol;
        private WebSocket socket;

        Switch(Request request, String subprotocol) {
            this.request = request;
            this.subprotocol = subprotocol;
        }

        @Override
        public void start(TcpConnection connection, ByteBuffer alreadyRead) {
            socket = WebSocket.over(connection, false, options);
            try {
                endpoint.onOpen(socket, request, subprotocol);
            } catch (RuntimeException e) {
                System.getLogger("io.rawloop.server").log(System.Logger.Level.ERROR, "the WebSocket endpoint failed"
                        + " for " + request, e);
                socket.close(CloseCodes.INTERNAL_ERROR, "the endpoint failed");
            }
            request = null;
            socket.start(alreadyRead);
        }

        @Override
        public void onData(TcpConnection connection, ByteBuffer data) {
            socket.handler().onData(connection, data);
        }

        @Override
        public void onEndOfStream(TcpConnection connection) {
            socket.handler().onEndOfStream(connection);
        }

        @Override
        public void onWritabilityChanged(TcpConnection connection, boolean writable) {
            socket.handler().onWritabilityChanged(connection, writable);
        }

        @Override
        public void onClose(TcpConnection connection, Throwable cause) {
            socket.handler().onClose(connection, cause);
        }

        @Override
        public void shutdown(TcpConnection connection) {
            socket.close(CloseCodes.GOING_AWAY, "the server is shutting down");
        }
    }
}
