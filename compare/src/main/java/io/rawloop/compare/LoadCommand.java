package io.rawloop.compare;

import io.rawloop.compare.backend.WebSocketEcho;
import io.rawloop.compare.load.LoadGenerator;
import io.rawloop.compare.load.Report;
import io.rawloop.compare.load.WsLoadGenerator;
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

    @Parameters(paramLabel = "URL", description = "An http:// URL (GET).")
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

    @Option(names = "--hgrm", paramLabel = "FILE", description = "Also write the distribution to FILE.")
    Path hgrmFile;

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
            if (!scheme.equals(uri.getScheme()) || uri.getHost() == null) {
                throw new java.net.URISyntaxException(url, "not a " + scheme + ":// URL with a host");
            }
        } catch (java.net.URISyntaxException e) {
            err.println("not a URL to load: " + url + " (" + e.getReason() + ")");
            return 2;
        }
        if (connections < 1 || pipeline < 1 || size < 0 || size > WebSocketEcho.MAX_MESSAGE) {
            err.println("--connections and --pipeline must be at least 1, --size from 0 to " + WebSocketEcho.MAX_MESSAGE);
            return 2;
        }
        LoadGenerator.Result r = ws ? WsLoadGenerator.run(new WsLoadGenerator.Plan(uri, connections, target, size, warmup, duration,
                pipeline)) : LoadGenerator.run(new LoadGenerator.Plan(uri, connections, target, warmup, duration, pipeline));
        String hgrm = Report.hgrm(r.latencyMicros());
        out.print(hgrm);
        if (hgrmFile != null) {
            Files.writeString(hgrmFile, hgrm);
        }
        out.println(String.format(Locale.ROOT, "%s, %d connections, pipeline %d: ", url, connections, pipeline)
                + Report.summary(r, target, ws ? size + "-byte messages/s" : "req/s"));
        out.flush();
        return r.errors().isEmpty() ? 0 : 1;
    }
}
