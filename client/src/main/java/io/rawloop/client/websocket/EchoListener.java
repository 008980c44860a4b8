package io.rawloop.client.websocket;

/**
 * A {@link WebSocket.Listener} that sends every message back whole, text as text and binary as
 * binary, at either end: the demo's {@code /ws/echo}, {@code compare}'s WebSocket back-end, and a
 * client that a fuzzing server judges. A send refused because the close handshake has begun is
 * left as refused: an echo owes nothing after the close. Pings are answered by the WebSocket itself.
 */
public final class EchoListener implements WebSocket.Listener {

    /** The one echo: it keeps no state, each message comes with its socket. */
    public static final EchoListener INSTANCE = new EchoListener();

    private EchoListener() {
    }

    @Override
    public void onText(WebSocket socket, String text) {
        socket.send(text);
    }

    @Override
    public void onBinary(WebSocket socket, byte[] data) {
        socket.send(data);
    }
}
