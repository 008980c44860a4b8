package io.rawloop.server;

import io.rawloop.http.HttpLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit and timeout of the server, with its default (the table in the tutorial's design
 * page). Start from {@link #DEFAULT} and change what you need, one named value at a time:
 * <pre>{@code
 * ServerConfig config = ServerConfig.DEFAULT.withMaxConnections(2_000).withIdleTimeout(Duration.ofSeconds(5));
 * }</pre>
 *
 * @param limits            request line, header section, field count, body (414, 431, 431, 413)
 * @param headerTimeout     the whole header section must arrive within this (408, close): slowloris
 * @param bodyGapTimeout    longest pause between two reads of a body (408, close)
 * @param idleTimeout       a keep-alive connection with no request in progress is closed after this
 * @param writeStallTimeout a connection whose pending response makes no progress is closed after this
 * @param responseTimeout   a handler that has not answered by then gets a 503 for it
 * @param maxConnections    open connections at most, for all loops together; beyond it the listeners
 *                          stop accepting (the kernel queues newcomers) until connections close
 * @param maxPipelined      requests in flight at once on one connection (handed to the handler, not yet
 *                          answered); the rest waits unparsed, and reading pauses
 * @param shutdownDeadline  graceful shutdown gives in-flight requests this long
 * @param handshakeTimeout  on a TLS listener, the TLS handshake must finish within this (then close, no answer)
 */
public record ServerConfig(HttpLimits limits, Duration headerTimeout, Duration bodyGapTimeout, Duration idleTimeout,
                           Duration writeStallTimeout, Duration responseTimeout, int maxConnections, int maxPipelined,
                           Duration shutdownDeadline, Duration handshakeTimeout) {

    /** 8 KiB request line, 16 KiB / 100 header fields, 10 MiB body; 10 s head, 30 s body gap, 60 s idle,
     *  30 s write stall, 60 s response; 10,000 connections, 16 pipelined; 10 s to shut down; 10 s to shake hands. */
    public static final ServerConfig DEFAULT = new ServerConfig(HttpLimits.DEFAULT, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60), 10_000, 16,
            Duration.ofSeconds(10), Duration.ofSeconds(10));

    /** Validates: every timeout positive, both counts at least 1. */
    public ServerConfig {
        Objects.requireNonNull(limits, "limits");
        positive(headerTimeout, "headerTimeout");
        positive(bodyGapTimeout, "bodyGapTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(writeStallTimeout, "writeStallTimeout");
        positive(responseTimeout, "responseTimeout");
        positive(shutdownDeadline, "shutdownDeadline");
        positive(handshakeTimeout, "handshakeTimeout");
        if (maxConnections < 1 || maxPipelined < 1) {
            throw new IllegalArgumentException("maxConnections and maxPipelined must be at least 1, not "
                    + maxConnections + " and " + maxPipelined);
        }
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }

    /** The same, with other request limits. */
    public ServerConfig withLimits(HttpLimits value) {
        return new ServerConfig(value, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another header timeout. */
    public ServerConfig withHeaderTimeout(Duration value) {
        return new ServerConfig(limits, value, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another body gap timeout. */
    public ServerConfig withBodyGapTimeout(Duration value) {
        return new ServerConfig(limits, headerTimeout, value, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another keep-alive idle timeout. */
    public ServerConfig withIdleTimeout(Duration value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, value, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another write-stall timeout. */
    public ServerConfig withWriteStallTimeout(Duration value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, value, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another handler response timeout. */
    public ServerConfig withResponseTimeout(Duration value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, value,
                maxConnections, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another connection cap. */
    public ServerConfig withMaxConnections(int value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                value, maxPipelined, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another bound on requests in flight per connection. */
    public ServerConfig withMaxPipelined(int value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, value, shutdownDeadline, handshakeTimeout);
    }

    /** The same, with another shutdown deadline. */
    public ServerConfig withShutdownDeadline(Duration value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, value, handshakeTimeout);
    }

    /** The same, with another TLS handshake timeout. */
    public ServerConfig withHandshakeTimeout(Duration value) {
        return new ServerConfig(limits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline, value);
    }
}
