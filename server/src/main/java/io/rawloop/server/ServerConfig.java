package io.rawloop.server;

import io.rawloop.http.HttpLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit and timeout of the server (DESIGN.md §5), with its default.
 *
 * @param limits            request line, header section, field count, body (414, 431, 431, 413)
 * @param headerTimeout     the whole header section must arrive within this (408, close): slowloris
 * @param bodyGapTimeout    longest pause between two reads of a body (408, close)
 * @param idleTimeout       a keep-alive connection with no request in progress is closed after this
 * @param writeStallTimeout a connection whose pending response makes no progress is closed after this
 * @param responseTimeout   a handler that has not answered by then gets a 503 for it
 * @param maxConnections    above this, the listener stops accepting until connections close
 * @param maxPipelined      requests in flight at once on one connection (handed to the handler, not yet
 *                          answered); the rest waits unparsed, and reading pauses
 * @param shutdownDeadline  graceful shutdown gives in-flight requests this long
 */
public record ServerConfig(HttpLimits limits, Duration headerTimeout, Duration bodyGapTimeout, Duration idleTimeout,
                           Duration writeStallTimeout, Duration responseTimeout, int maxConnections, int maxPipelined,
                           Duration shutdownDeadline) {

    /** The defaults of DESIGN.md §5. */
    public static final ServerConfig DEFAULT = new ServerConfig(HttpLimits.DEFAULT, Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(60), 10_000, 16,
            Duration.ofSeconds(10));

    /** Validates. */
    public ServerConfig {
        Objects.requireNonNull(limits, "limits");
        for (Duration d : new Duration[] {headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                shutdownDeadline}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts must be positive, got " + d);
            }
        }
        if (maxConnections < 1 || maxPipelined < 1) {
            throw new IllegalArgumentException("maxConnections and maxPipelined must be at least 1");
        }
    }

    /** The same, with other limits. */
    public ServerConfig withLimits(HttpLimits newLimits) {
        return new ServerConfig(newLimits, headerTimeout, bodyGapTimeout, idleTimeout, writeStallTimeout, responseTimeout,
                maxConnections, maxPipelined, shutdownDeadline);
    }

    /** The same, with other timeouts (header, body gap, idle, write stall). */
    public ServerConfig withTimeouts(Duration header, Duration bodyGap, Duration idle, Duration writeStall) {
        return new ServerConfig(limits, header, bodyGap, idle, writeStall, responseTimeout, maxConnections, maxPipelined,
                shutdownDeadline);
    }
}
