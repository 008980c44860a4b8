package io.rawloop.compare;

import io.rawloop.compare.backend.WebSocketEcho;
import io.rawloop.compare.load.LoadGenerator;
import io.rawloop.compare.load.LoadTls;
import io.rawloop.compare.load.Report;
import io.rawloop.compare.load.WsLoadGenerator;
import io.rawloop.loop.TlsFiles;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code load URL}: an open-loop (or closed-loop) HTTP load, latency from each request's intended send time. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Load URL at a constant rate (open loop, latency from each request's intended send time,",
            "as wrk2 does) or as fast as it answers (--rate max). Prints the .hgrm distribution and a summary."})
final class LoadCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "An http:// or https:// URL (GET).")
    String url;

    @Option(names = "--rate", defaultValue = "1000", description = "Requests per second, or 'max' (default ${DEFAULT-VALUE}).")
    String rate;

    @Option(names = "--connections", defaultValue = "64", description = "Connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--duration", defaultValue = "10s", converter = Durations.class, description = "Measured time (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "2s", converter = Durations.class, description = "Unmeasured time first (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--pipeline", defaultValue = "1", description = "Requests in flight per connection (default ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--ws", description = "WebSocket: URL is ws://HOST:PORT/PATH (an echo, such as /ws/echo); --rate is"
            + " messages/s over all connections, --pipeline messages in flight per connection.")
    boolean ws;

    @Option(names = "--size", defaultValue = "64", description = "--ws: bytes per binary message (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--tls", description = "Speak TLS to the URL's host and port (as an https:// URL does).")
    boolean tls;

    @Option(names = "--cacert", paramLabel = "FILE", description = "Over TLS, trust the PEM certificates in FILE"
            + " (serve --tls prints its own); default: the JDK's trust store.")
    Path cacert;

    @Option(names = "--new-connection", description = "A new connection per request (Connection: close): with TLS,"
            + " a full handshake per request; the rate is then handshakes/s.")
    boolean newConnection;

    @Option(names = "--hgrm", paramLabel = "FILE", description = "Also write the distribution to FILE.")
    Path hgrmFile;

    /** The JDK's default trust store ({@code cacerts}), as its default TrustManagerFactory has it. */
    private static javax.net.ssl.TrustManager[] jdkTrust() throws java.security.GeneralSecurityException {
        javax.net.ssl.TrustManagerFactory factory = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        factory.init((java.security.KeyStore) null);
        return factory.getTrustManagers();
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        double target;
        try {
            target = rate.equalsIgnoreCase("max") ? 0 : Double.parseDouble(rate);
            if (target < 0 || Double.isNaN(target)) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("--rate must be a number of requests per second, or max; not '" + rate + "'");
            return 2;
        }
        URI uri;
        try {
            uri = new URI(url);
            String scheme = ws ? "ws" : "http";
            if (!(scheme.equals(uri.getScheme()) || !ws && "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new java.net.URISyntaxException(url, ws ? "not a ws:// URL with a host"
                        : "not an http:// or https:// URL with a host");
            }
        } catch (java.net.URISyntaxException e) {
            err.println("not a URL to load: " + url + " (" + e.getReason() + ")");
            return 2;
        }
        if (connections < 1 || pipeline < 1 || size < 0 || size > WebSocketEcho.MAX_MESSAGE) {
            err.println("--connections and --pipeline must be at least 1, --size from 0 to " + WebSocketEcho.MAX_MESSAGE);
            return 2;
        }
        if (ws && (tls || newConnection)) {
            err.println("--ws loads plain WebSocket connections, held open: leave out --tls and --new-connection");
            return 2;
        }
        if (newConnection && pipeline != 1) {
            err.println("--new-connection sends one request on each connection: leave --pipeline at 1");
            return 2;
        }
        LoadTls trust = null;
        if (tls || "https".equals(uri.getScheme())) {
            try {
                trust = LoadTls.trusting(cacert != null ? TlsFiles.trustManagers(cacert) : jdkTrust());
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                err.println("--cacert: " + e.getMessage());
                return 2;
            }
        }
        LoadGenerator.Result r = ws ? WsLoadGenerator.run(new WsLoadGenerator.Plan(uri, connections, target, size, warmup, duration,
                pipeline)) : LoadGenerator.run(new LoadGenerator.Plan(uri, connections, target, warmup, duration, pipeline,
                trust, newConnection));
        String hgrm = Report.hgrm(r.latencyMicros());
        out.print(hgrm);
        if (hgrmFile != null) {
            Files.writeString(hgrmFile, hgrm);
        }
        out.println(String.format(Locale.ROOT, "%s, %d connections, pipeline %d: ", url, connections, pipeline)
                + Report.summary(r, target, ws ? size + "-byte messages/s" : "req/s"));
        if (trust != null) {
            out.println(String.format(Locale.ROOT, "TLS: %,d full handshakes (warm-up included), negotiated %s", trust.fullHandshakes(),
                    trust.negotiated().isEmpty() ? "nothing" : String.join(", ", trust.negotiated())));
        }
        out.flush();
        return r.errors().isEmpty() ? 0 : 1;
    }
}
