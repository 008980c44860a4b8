package io.rawloop.server.websocket;

import io.rawloop.client.websocket.WebSocket;
import io.rawloop.server.Request;

/**
 * What a WebSocket route does with each connection once its handshake is done: set a
 * {@link WebSocket.Listener} ({@link WebSocket#listen}) or spawn a coroutine that awaits
 * {@link WebSocket#receive()}. Called on the connection's loop, before any message is read.
 */
@FunctionalInterface
public interface WebSocketEndpoint {

    /**
     * A connection opened, upgraded from {@code request}, speaking {@code subprotocol} (the one
     * chosen from the client's Sec-WebSocket-Protocol, or null).
     */
    void onOpen(WebSocket socket, Request request, String subprotocol);
}
