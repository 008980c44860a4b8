package io.rawloop.compare.backend;

import io.rawloop.client.websocket.EchoListener;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketMessage;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.loop.Coroutine;
import io.rawloop.server.Handler;
import io.rawloop.server.websocket.WebSocketUpgrade;

/**
 * The WebSocket work that {@code compare} measures: {@value #PATH} echoes each message back
 * whole, text as text and binary as binary, with messages up to {@link #MAX_MESSAGE} bytes and no
 * extension (permessage-deflate is declined by every back-end alike, so no side compresses).
 * Served by {@link Backend#LOOP} (a listener), {@link Backend#LOOP_COROUTINES} (a coroutine that
 * awaits each message) and both Netty back-ends ({@link NettyWebSocketEcho}).
 */
public final class WebSocketEcho {

    /** The path every WebSocket back-end upgrades on. */
    public static final String PATH = "/ws/echo";

    /** The largest message, in bytes: the demo server's default, 1 MiB. */
    public static final int MAX_MESSAGE = 1 << 20;

    private static final WebSocketOptions OPTIONS = WebSocketOptions.DEFAULT.withMaxMessage(MAX_MESSAGE);

    private WebSocketEcho() {
    }

    /** The handler of {@value #PATH}: it upgrades, then echoes from a listener or from a coroutine. */
    static Handler upgrade(boolean coroutines) {
        return WebSocketUpgrade.of(coroutines ? WebSocketEcho::receiveAndEcho : WebSocketEcho::listen).options(OPTIONS);
    }

    private static void listen(WebSocket socket, io.rawloop.server.Request request, String subprotocol) {
        socket.listen(EchoListener.INSTANCE);
    }

    /** The same echo as straight-line code: receive until the close (null), send each back. */
    private static void receiveAndEcho(WebSocket socket, io.rawloop.server.Request request, String subprotocol) {
        Coroutine.spawn(socket.connection().loop(), () -> {
            for (WebSocketMessage m; (m = Coroutine.await(socket.receive())) != null; ) {
                if (m.isText()) {
                    socket.send(m.text());
                } else {
                    socket.send(m.data());
                }
            }
            return null;
        });
    }
}
