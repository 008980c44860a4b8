package io.rawloop.client.websocket;

import java.nio.charset.StandardCharsets;

/**
 * A whole message as {@link WebSocket#receive()} gives it: text or binary, and its bytes.
 *
 * @param isText true for a text message (its bytes are valid UTF-8), false for binary
 * @param data   the payload
 */
public record WebSocketMessage(boolean isText, byte[] data) {

    /** The payload as text (UTF-8). */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return isText ? "text " + text() : "binary of " + data.length + " bytes";
    }
}
