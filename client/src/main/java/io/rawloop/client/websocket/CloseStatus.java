package io.rawloop.client.websocket;

/**
 * How a WebSocket connection ended (RFC 6455 §7.1.5, §7.1.6).
 *
 * @param code   the peer's close code; 1005 if its close frame had none; 1006 if the connection
 *               ended without a close frame from the peer (§7.1.5)
 * @param reason the peer's reason, or ours for 1006
 * @param clean  true if the close handshake completed (both close frames exchanged)
 */
public record CloseStatus(int code, String reason, boolean clean) {
}
