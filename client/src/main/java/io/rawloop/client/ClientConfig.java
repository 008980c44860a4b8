package io.rawloop.client;

import io.rawloop.http.HttpLimits;
import java.time.Duration;
import java.util.Objects;

/**
 * Every limit and timeout of the client, with its default. All timeouts run on the loop's timers
 * (so on its clock: a test can drive them with a ManualClock).
 *
 * @param connectTimeout     a connection must be established within this
 * @param headerTimeout      once the request is sent, the response head must arrive within this (for a
 *                           pipelined request too, so it includes the responses ahead of it)
 * @param totalTimeout       the whole exchange (pool wait, DNS, connect, response, redirects); zero for none
 * @param idleTimeout        a pooled connection unused for this long is closed
 * @param maxConnectionsPerHost connections to one host:port, open or opening; requests beyond wait
 * @param maxResponseBytes   a body read whole may not be larger (streamed bodies are not capped)
 * @param maxRedirects       redirects followed per request; 0 (the default) follows none
 * @param maxPipelined       requests in flight on one connection; 1 (the default) means no pipelining
 * @param limits             the response head's limits (status line, header bytes, field count)
 * @param userAgent          the User-Agent sent unless the request has one
 * @param tls                how https:// servers are checked: whom to trust, the handshake timeout
 */
public record ClientConfig(Duration connectTimeout, Duration headerTimeout, Duration totalTimeout, Duration idleTimeout,
                           int maxConnectionsPerHost, long maxResponseBytes, int maxRedirects, int maxPipelined,
                           HttpLimits limits, String userAgent, ClientTls tls) {

    /** Connect 10 s, head 30 s, total 60 s, idle 30 s, 64 per host, 16 MiB, no redirects, no pipelining;
     *  https checked against the JDK's trust store. */
    public static final ClientConfig DEFAULT = new ClientConfig(Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(30), 64, 16L * 1024 * 1024, 0, 1,
            HttpLimits.DEFAULT, "rawloop-client/0.1", ClientTls.DEFAULT);

    /** Validates. */
    public ClientConfig {
        for (Duration d : new Duration[] {connectTimeout, headerTimeout, idleTimeout}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("connect, header and idle timeouts must be positive, got " + d);
            }
        }
        if (totalTimeout == null || totalTimeout.isNegative()) {
            throw new IllegalArgumentException("total timeout must be zero (none) or positive, got " + totalTimeout);
        }
        if (maxConnectionsPerHost < 1 || maxPipelined < 1 || maxRedirects < 0 || maxResponseBytes < 0) {
            throw new IllegalArgumentException("need maxConnectionsPerHost >= 1, maxPipelined >= 1, maxRedirects >= 0"
                    + " and maxResponseBytes >= 0");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(tls, "tls");
    }

    /** The same, with another connect timeout. */
    public ClientConfig withConnectTimeout(Duration connect) {
        return new ClientConfig(connect, headerTimeout, totalTimeout, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, with another response-head timeout. */
    public ClientConfig withHeaderTimeout(Duration header) {
        return new ClientConfig(connectTimeout, header, totalTimeout, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, with another total timeout (zero for none). */
    public ClientConfig withTotalTimeout(Duration total) {
        return new ClientConfig(connectTimeout, headerTimeout, total, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, with another idle timeout. */
    public ClientConfig withIdleTimeout(Duration idle) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idle, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, with another cap on connections per host. */
    public ClientConfig withMaxConnectionsPerHost(int max) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idleTimeout, max, maxResponseBytes,
                maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, with another response-size cap. */
    public ClientConfig withMaxResponseBytes(long max) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idleTimeout, maxConnectionsPerHost, max,
                maxRedirects, maxPipelined, limits, userAgent, tls);
    }

    /** The same, following up to {@code max} redirects (0: none). */
    public ClientConfig withMaxRedirects(int max) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, max, maxPipelined, limits, userAgent, tls);
    }

    /** The same, pipelining up to {@code depth} idempotent requests per connection (1: none). */
    public ClientConfig withMaxPipelined(int depth) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, depth, limits, userAgent, tls);
    }

    /** The same, checking https:// servers with {@code value} (see {@link ClientTls}). */
    public ClientConfig withTls(ClientTls value) {
        return new ClientConfig(connectTimeout, headerTimeout, totalTimeout, idleTimeout, maxConnectionsPerHost,
                maxResponseBytes, maxRedirects, maxPipelined, limits, userAgent, value);
    }
}
