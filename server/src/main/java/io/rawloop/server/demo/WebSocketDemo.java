package io.rawloop.server.demo;

import io.rawloop.client.websocket.EchoListener;
import io.rawloop.client.websocket.WebSocket;
import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.websocket.CloseCodes;
import io.rawloop.server.Handler;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.websocket.WebSocketUpgrade;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's WebSocket endpoints: {@code /ws/echo} sends each message back whole, text as text
 * and binary as binary; {@code /chat} is a page whose room, {@code /ws/chat}, sends every text
 * message to everyone in it.
 */
final class WebSocketDemo {

    private static final Response CHAT_PAGE = Resources.response("chat/chat.html", "text/html; charset=utf-8");

    /** Everyone in the chat room, on every loop. */
    private final Set<WebSocket> room = ConcurrentHashMap.newKeySet();

    private WebSocketDemo() {
    }

    /** Adds the routes to {@code router}, with messages up to {@code options.maxMessage()}. */
    static Router routes(Router router, WebSocketOptions options) {
        WebSocketDemo demo = new WebSocketDemo();
        return router
                .get("/ws/echo", WebSocketUpgrade.of((socket, request, protocol) -> socket.listen(EchoListener.INSTANCE))
                        .options(options))
                .get("/chat", Handler.of(r -> CHAT_PAGE))
                .get("/ws/chat", WebSocketUpgrade.of((socket, request, protocol) -> demo.join(socket)).options(options));
    }

    // region chat
    private void join(WebSocket socket) {
        room.add(socket);
        socket.listen(new WebSocket.Listener() {
            @Override
            public void onText(WebSocket from, String text) {
                broadcast(text);
            }

            @Override
            public void onBinary(WebSocket from, byte[] data) {
                from.close(CloseCodes.UNSUPPORTED_DATA, "the chat room takes text only");
            }

            @Override
            public void onClose(WebSocket gone, io.rawloop.client.websocket.CloseStatus status) {
                room.remove(gone);
            }
        });
    }

    /**
     * Sends {@code text} to everyone in the room. A WebSocket belongs to its connection's loop, so
     * the message travels to each loop through {@code execute} (a write from another thread would
     * be refused); the ones on this loop are written at once.
     */
    private void broadcast(String text) {
        for (WebSocket member : room) {
            if (member.connection().loop().inLoop()) {
                member.send(text);
            } else {
                member.connection().loop().execute(() -> member.send(text));
            }
        }
    }
    // endregion chat
}
