package io.rawloop.server;

import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.TlsEngines;
import io.rawloop.loop.TlsHandshake;
import io.rawloop.loop.TlsOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;

/**
 * TLS for the connections one listener accepts: an engine per connection from the listener's
 * context, put beneath the {@link ServerConnection} before it reads a byte, so that HTTP code
 * never knows. And the figures of every handshake, for {@link HttpServer#tlsStats()}.
 */
final class ServerTls {

    /**
     * nginx's answer to a plain HTTP request on its HTTPS port (its error 497, sent as 400), in
     * plain text because the client speaks no TLS: better than a silent close, which looks like a
     * network fault. The connection closes after it.
     */
    static final String PLAIN_HTTP_ANSWER = plainHttpAnswer("The plain HTTP request was sent to HTTPS port\n");

    private final SSLContext context;
    private final TlsOptions options;
    private final Figures figures;

    ServerTls(SSLContext context, ServerConfig config, Figures figures) {
        this.context = context;
        this.figures = figures;
        this.options = TlsOptions.DEFAULT.withHandshakeTimeout(config.handshakeTimeout())
                .withPlainHttpAnswer(ByteBuffer.wrap(PLAIN_HTTP_ANSWER.getBytes(StandardCharsets.US_ASCII)))
                .withListeners(figures::handshake, failure -> figures.failures.increment());
    }

    /** Before {@code connection.setHandler}: from then on the handler reads plaintext. Loop thread. */
    void start(TcpConnection connection) {
        connection.startTls(TlsEngines.server(context), options);
    }

    private static String plainHttpAnswer(String body) {
        return "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
    }

    /** The server's TLS figures, for every TLS listener; any thread. */
    static final class Figures {
        final LongAdder handshakes = new LongAdder();
        final LongAdder failures = new LongAdder();
        final Map<String, LongAdder> versions = new ConcurrentHashMap<>();

        void handshake(TlsHandshake done) {
            handshakes.increment();
            versions.computeIfAbsent(done.protocol(), v -> new LongAdder()).increment();
        }

        HttpServer.TlsStats snapshot() {
            Map<String, Long> byVersion = new TreeMap<>();
            versions.forEach((version, count) -> byVersion.put(version, count.sum()));
            return new HttpServer.TlsStats(handshakes.sum(), failures.sum(), Collections.unmodifiableMap(byVersion));
        }
    }
}
