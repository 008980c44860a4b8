package io.rawloop.server.demo;

import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.http.HttpLimits;
import io.rawloop.loop.Clock;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.TlsFiles;
import io.rawloop.server.HttpServer;
import io.rawloop.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rawloop-server.jar}: the demo server, its options, and its graceful shutdown on TERM and INT. */
@Command(name = "rawloop-server.jar", mixinStandardHelpOptions = true, sortOptions = false,
        defaultValueProvider = ConfigDefaults.class,
        description = {"The rawloop demo: an HTTP/1.1 server on hand-written event loops.",
            "Open http://HOST:PORT/ for the list of endpoints. TERM or INT: graceful shutdown; HUP: a stats line."})
public final class DemoServer implements Callable<Integer> {

    /** Made by picocli, which then sets the options. */
    public DemoServer() {
    }

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks any free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--loops", description = "Event loops, one thread each (default: available processors).")
    int loops = Runtime.getRuntime().availableProcessors();

    @Option(names = "--static", paramLabel = "DIR", description = "Serve DIR under /static/ (default: a bundled page).")
    Path staticDir;

    @Option(names = "--max-request-line", converter = Size.class,
            description = "Longest request line (414 beyond; default ${DEFAULT-VALUE}).")
    long maxRequestLine;

    @Option(names = "--max-header-size", converter = Size.class,
            description = "Largest header section (431 beyond; default ${DEFAULT-VALUE}).")
    long maxHeaderSize;

    @Option(names = "--max-headers", description = "Most header fields (431 beyond; default ${DEFAULT-VALUE}).")
    int maxHeaders;

    @Option(names = "--max-body", converter = Size.class,
            description = "Largest request body (413 beyond; default ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--header-timeout", converter = Time.class,
            description = "The whole request head must arrive within this (408; default ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--body-timeout", converter = Time.class,
            description = "Longest gap between reads of a body (408; default ${DEFAULT-VALUE}).")
    Duration bodyTimeout;

    @Option(names = "--idle-timeout", converter = Time.class,
            description = "Keep-alive connections idle this long are closed (default ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--write-timeout", converter = Time.class,
            description = "A response that makes no progress this long is dropped (default ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(names = "--response-timeout", converter = Time.class,
            description = "A handler that has not answered by then gets a 503 (default ${DEFAULT-VALUE}).")
    Duration responseTimeout;

    @Option(names = "--max-connections",
            description = "Stop accepting above this many open connections (default ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--shutdown-deadline", converter = Time.class,
            description = "Graceful shutdown waits this long for in-flight requests (default ${DEFAULT-VALUE}).")
    Duration shutdownDeadline;

    @Option(names = "--ws-max-message", converter = Size.class,
            description = "Largest WebSocket message or frame (closed with 1009 beyond; default ${DEFAULT-VALUE}).")
    long wsMaxMessage;

    @Option(names = "--handshake-timeout", converter = Time.class,
            description = "On --tls-port, the TLS handshake must finish within this (default ${DEFAULT-VALUE}).")
    Duration handshakeTimeout;

    @Option(names = "--tls-port", paramLabel = "PORT",
            description = "Also serve HTTPS on this port (0: any free one); needs --tls-cert and --tls-key,"
                    + " or --tls-keystore and --tls-password-file.")
    Integer tlsPort;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "With --tls-port: the certificate chain, PEM, the server's own first (nginx's ssl_certificate).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "With --tls-port: its private key, unencrypted PKCS#8 PEM (nginx's ssl_certificate_key).")
    Path tlsKey;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "With --tls-port, instead of --tls-cert and --tls-key: a PKCS#12 keystore.")
    Path tlsKeystore;

    @Option(names = "--tls-password-file", paramLabel = "FILE",
            description = "The keystore's password, the file's first line (never on the command line: ps shows it).")
    Path tlsPasswordFile;

    @Option(names = "--debug", description = "asyncio's debug mode on every loop: log slow callbacks (with their request),"
            + " calls from the wrong thread, failed promises nobody heard of (also -Drawloop.debug=true).")
    boolean debug;

    @Option(names = "--slow-callback", converter = Time.class, defaultValue = "100ms",
            description = "With --debug: a callback running longer than this is logged (default ${DEFAULT-VALUE}).")
    Duration slowCallback;

    /** Entry point of the runnable jar. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new DemoServer()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535 || loops < 1) {
            System.err.println("--port must be 0-65535 and --loops at least 1");
            return 2;
        }
        ServerConfig config = config();
        SSLContext tls;
        try {
            tls = tlsContext();
        } catch (IOException | IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        AtomicReference<HttpServer> running = new AtomicReference<>();
        StaticFiles files;
        try {
            files = new StaticFiles(staticDir);
        } catch (IOException e) {
            System.err.println("--static: " + e.getMessage());
            return 2;
        }
        if (debug) {
            // The loops take debug mode from these when they are built, as asyncio from PYTHONASYNCIODEBUG.
            System.setProperty("rawloop.debug", "true");
            System.setProperty("rawloop.slowCallbackMs", Long.toString(slowCallback.toMillis()));
        }
        DemoApp.Live app = DemoApp.routes(running::get, files, new RequestFigures(),
                WebSocketOptions.DEFAULT.withMaxMessage(wsMaxMessage));
        HttpServer server;
        try {
            List<HttpServer.Listener> listeners = new ArrayList<>(List.of(HttpServer.Listener.plain(new InetSocketAddress(host, port))));
            if (tls != null) {
                listeners.add(HttpServer.Listener.tls(new InetSocketAddress(host, tlsPort), tls));
            }
            server = HttpServer.start(listeners, loops, config, app.handler(), Clock.system());
        } catch (IOException e) {
            System.err.println(e.getMessage());
            return 1;
        }
        running.set(server);
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        // region signals
        EventLoop signals = server.loops().get(0);
        Runnable shutdown = () -> {
            System.out.println("shutting down: finishing in-flight requests (at most " + shutdownDeadline.toMillis() + " ms)");
            app.events().close();   // live streams never finish by themselves
            server.shutdown().whenComplete((v, f) -> stopped.complete(null));
        };
        hook(signals, "TERM", shutdown);
        hook(signals, "INT", shutdown);
        hook(signals, "HUP", () -> System.out.print(DemoApp.stats(server)));
        // endregion signals
        if (debug) {
            System.out.println("debug mode: callbacks slower than " + slowCallback.toMillis() + " ms are logged");
        }
        System.out.println("listening on http://" + host + ":" + server.port());
        if (tls != null) {
            System.out.println("listening on https://" + host + ":" + server.address(1).getPort());
        }
        System.out.flush();
        stopped.join();
        System.out.println("stopped");
        return 0;
    }

    /** A signal hook, or a line saying why there is none (nohup ignores HUP; a background job, INT). */
    private static void hook(EventLoop loop, String signal, Runnable handler) {
        try {
            loop.onSignal(signal, handler);
        } catch (IllegalStateException ignoredByTheProcess) {
            System.err.println("note: " + ignoredByTheProcess.getMessage());
        }
    }

    /** The server's configuration from the options (their defaults are {@link ServerConfig#DEFAULT}'s). */
    ServerConfig config() {
        return ServerConfig.DEFAULT
                .withLimits(new HttpLimits((int) maxRequestLine, (int) maxHeaderSize, maxHeaders, maxBody))
                .withHeaderTimeout(headerTimeout).withBodyGapTimeout(bodyTimeout).withIdleTimeout(idleTimeout)
                .withWriteStallTimeout(writeTimeout).withResponseTimeout(responseTimeout)
                .withMaxConnections(maxConnections).withShutdownDeadline(shutdownDeadline)
                .withHandshakeTimeout(handshakeTimeout);
    }

    /**
     * The TLS listener's context from its files, or null without --tls-port. A bad file is an
     * IOException whose message names it and says what is wrong (see {@link TlsFiles}); options
     * that do not go together, an IllegalArgumentException that says which.
     */
    SSLContext tlsContext() throws IOException {
        boolean pem = tlsCert != null || tlsKey != null;
        boolean pkcs12 = tlsKeystore != null || tlsPasswordFile != null;
        if (tlsPort == null) {
            if (pem || pkcs12) {
                throw new IllegalArgumentException("--tls-cert, --tls-key, --tls-keystore and --tls-password-file"
                        + " need --tls-port");
            }
            return null;
        }
        if (tlsPort < 0 || tlsPort > 65535) {
            throw new IllegalArgumentException("--tls-port must be 0-65535");
        }
        if (pem == pkcs12) {
            throw new IllegalArgumentException("--tls-port needs either --tls-cert and --tls-key,"
                    + " or --tls-keystore and --tls-password-file");
        }
        if (pem && (tlsCert == null || tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both");
        }
        if (pkcs12 && (tlsKeystore == null || tlsPasswordFile == null)) {
            throw new IllegalArgumentException("--tls-keystore and --tls-password-file go together: give both");
        }
        return pem ? TlsFiles.serverContext(tlsCert, tlsKey) : TlsFiles.serverContextFromPkcs12(tlsKeystore, tlsPasswordFile);
    }

    /** "10s", "500ms", "2m", "1h", or milliseconds. */
    static final class Time implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            try {
                if (!v.isEmpty() && Character.isDigit(v.charAt(v.length() - 1))) {
                    return positive(Duration.ofMillis(Long.parseLong(v)), value);   // a bare number: milliseconds
                }
                if (v.endsWith("ms")) {
                    return positive(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), value);
                }
                long n = Long.parseLong(v.substring(0, v.length() - 1));
                return switch (v.charAt(v.length() - 1)) {
                    case 's' -> positive(Duration.ofSeconds(n), value);
                    case 'm' -> positive(Duration.ofMinutes(n), value);
                    case 'h' -> positive(Duration.ofHours(n), value);
                    default -> throw new NumberFormatException(v);
                };
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use 500ms, 10s, 2m or 1h");
            }
        }

        private static Duration positive(Duration d, String value) {
            if (d.isZero() || d.isNegative()) {
                throw new CommandLine.TypeConversionException("'" + value + "' must be more than zero");
            }
            return d;
        }
    }

    /** "10MiB", "8KiB", "1GiB", "512B", or bytes. */
    static final class Size implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            long unit = 1;
            for (String[] suffix : new String[][] {{"gib", "1073741824"}, {"mib", "1048576"}, {"kib", "1024"}, {"b", "1"}}) {
                if (v.endsWith(suffix[0])) {
                    unit = Long.parseLong(suffix[1]);
                    v = v.substring(0, v.length() - suffix[0].length()).strip();
                    break;
                }
            }
            try {
                long n = Math.multiplyExact(Long.parseLong(v), unit);
                if (n <= 0 || n > Integer.MAX_VALUE) {
                    throw new CommandLine.TypeConversionException("'" + value + "' must be from 1 byte to 2GiB");
                }
                return n;
            } catch (NumberFormatException | ArithmeticException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size: use 512, 8KiB, 10MiB or 1GiB");
            }
        }
    }
}
