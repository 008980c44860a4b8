package io.rawloop.http.websocket;

/**
 * Input that fails the WebSocket connection (RFC 6455 §7.1.7), with the close code to send: 1002
 * for a protocol error, 1007 for invalid UTF-8, 1009 for a frame or message over the limit.
 */
public final class WebSocketException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int closeCode;
    private final String reason;

    /** A failure to close with {@code closeCode}, and what was wrong. */
    public WebSocketException(int closeCode, String reason) {
        super(closeCode + " " + reason, null, false, false);
        this.closeCode = closeCode;
        this.reason = reason;
    }

    /** The status code for our close frame. */
    public int closeCode() {
        return closeCode;
    }

    /** What was wrong, in words, without the code. */
    public String reason() {
        return reason;
    }
}
