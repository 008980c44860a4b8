package io.rawloop.client.websocket;

import java.time.Duration;

/**
 * A WebSocket connection's limits and timeouts, the same for both ends.
 *
 * @param maxMessage   the largest message (and frame) accepted, in bytes; beyond it, 1009
 * @param closeTimeout how long the close handshake may take before the TCP connection is closed anyway
 * @param idleTimeout  how long nothing may arrive before the connection is closed with 1001
 * @param pingInterval after this much silence a ping is sent (a keep-alive); {@link Duration#ZERO} for none
 */
public record WebSocketOptions(long maxMessage, Duration closeTimeout, Duration idleTimeout, Duration pingInterval) {

    /** 1 MiB messages, a 5 s close handshake, 5 minutes idle, no keep-alive pings. */
    public static final WebSocketOptions DEFAULT = new WebSocketOptions(1 << 20, Duration.ofSeconds(5),
            Duration.ofMinutes(5), Duration.ZERO);

    /** Checks the values. */
    public WebSocketOptions {
        if (maxMessage < 1) {
            throw new IllegalArgumentException("maxMessage must be at least 1, not " + maxMessage);
        }
        if (closeTimeout.isNegative() || closeTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
                || pingInterval.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive (pingInterval may be zero): " + closeTimeout
                    + ", " + idleTimeout + ", " + pingInterval);
        }
    }

    /** These options with another message limit. */
    public WebSocketOptions withMaxMessage(long bytes) {
        return new WebSocketOptions(bytes, closeTimeout, idleTimeout, pingInterval);
    }

    /** These options with another idle timeout and keep-alive interval. */
    public WebSocketOptions withIdle(Duration idle, Duration ping) {
        return new WebSocketOptions(maxMessage, closeTimeout, idle, ping);
    }

    /** These options with another close timeout. */
    public WebSocketOptions withCloseTimeout(Duration timeout) {
        return new WebSocketOptions(maxMessage, timeout, idleTimeout, pingInterval);
    }
}
