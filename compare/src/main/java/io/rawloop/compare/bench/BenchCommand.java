package io.rawloop.compare.bench;

import io.rawloop.compare.Durations;
import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.backend.WebSocketEcho;
import io.rawloop.compare.load.LoadGenerator;
import io.rawloop.compare.load.WsLoadGenerator;
import io.rawloop.compare.load.LoadTls;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: every back-end in its own JVM (same flags, pinned to core 0 when {@code taskset}
 * exists, the load generator on the others), the same load at the same rates, interleaved and
 * repeated. Writes {@code BACKEND-RATE.hgrm}, {@code summary.md}, {@code summary.csv} and
 * {@code report.html}; with {@code --profile}, a flame graph per run too.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the same HTTP load against several back-ends, each in its own JVM.",
            "Writes DIR/BACKEND-RATE.hgrm, DIR/summary.md and DIR/summary.csv (per rate:",
            "latency, CPU and heap allocated per request, memory, threads) and",
            "DIR/report.html (charts, offline). With --ws, WebSocket messages to each",
            "back-end's echo instead, counted per message."})
public final class BenchCommand implements Callable<Integer> {

    /** Made by picocli, which then sets the options. */
    public BenchCommand() {
    }

    @Option(names = "--backends", split = ",", defaultValue = "loop,loop-coroutines,threads,virtual-threads,netty-nio,netty-epoll,nio-floor",
            description = "Comma-separated: loop, loop-coroutines, threads, virtual-threads, netty-nio, netty-epoll,"
                + " nio-floor (default: all seven; nio-floor, plain NIO and no HTTP, runs on /hello only).")
    List<String> backends;

    @Option(names = "--rate", split = ",", defaultValue = "25000", description = "Requests/s, comma-separated; 'max' for closed loop.")
    List<String> rates;

    @Option(names = "--connections", defaultValue = "64", description = "Connections (default ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--pipeline", defaultValue = "1", description = "Requests in flight per connection (default ${DEFAULT-VALUE}).")
    int pipeline;

    @Option(names = "--path", defaultValue = "/hello", description = "What to request (default ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--ws", description = "WebSocket instead of HTTP: binary messages of --size bytes to each back-end's"
            + " echo (" + WebSocketEcho.PATH + "), --rate messages/s over all connections; the back-ends that serve it only.")
    boolean ws;

    @Option(names = "--size", defaultValue = "64", description = "--ws: bytes per message (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--duration", defaultValue = "30s", converter = Durations.class, description = "Measured time per run (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warmup", defaultValue = "10s", converter = Durations.class, description = "Warm-up per run, unmeasured, on the connections then measured (default ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--repeat", defaultValue = "1", description = "Rounds, interleaving the back-ends (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--out", defaultValue = "bench-out", description = "Directory for the results (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--no-pin", description = "Do not pin with taskset even if it exists.")
    boolean noPin;

    @Option(names = "--profile", description = "Profile each back-end's CPU with async-profiler over the measured window"
            + " (event=cpu, or itimer where perf_events are not permitted), into DIR/flame-BACKEND-RATE.html."
            + " The figures then include the profiler's cost.")
    boolean profile;

    @Option(names = "--tls", description = "Over TLS: every back-end with its own stack's TLS on the JDK's provider, one"
            + " certificate made for the run; nio-floor is left out (no TLS).")
    boolean tls;

    @Option(names = "--new-connection", description = "A new connection per request (Connection: close); with --tls,"
            + " a full handshake each, in a table of handshakes/s of its own.")
    boolean newConnection;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The run's TLS, with --tls; else null. */
    private BenchTls tlsRun;

    /** The library bench --profile loads into each back-end, once taken out; null without --profile. */
    private Profiler.Library profiler;
    /** The event the first profiled run used, and why if not cpu. */
    private String profiledWith;
    /** Runs profiled so far, by back-end and rate: each round's flame graph has a name of its own. */
    private final Map<String, Integer> profiledRuns = new HashMap<>();

    /**
     * One measured run. {@code allocatedBytes}: heap allocated by all the back-end's threads over
     * the measured window; {@code loopAllocatedBytes}: by its loop thread alone, -1 where it has none.
     */
    record Run(String backend, String rate, LoadGenerator.Result result, double cpuSeconds, long peakRssKb, long threads,
               long allocatedBytes, long loopAllocatedBytes) {
        double cpuMicrosPerRequest() {
            return result.completed() == 0 ? 0 : cpuSeconds * 1e6 / result.completed();
        }

        double allocatedPerRequest() {
            return result.completed() == 0 ? 0 : (double) allocatedBytes / result.completed();
        }

        /** NaN where the back-end has no loop thread. */
        double loopAllocatedPerRequest() {
            return loopAllocatedBytes < 0 ? Double.NaN : result.completed() == 0 ? 0 : (double) loopAllocatedBytes / result.completed();
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        List<String> measured = new ArrayList<>();
        for (String b : backends) {
            Backend backend;
            try {
                backend = Backend.of(b);
            } catch (IllegalArgumentException e) {
                err.println("--backends: " + e.getMessage());
                return 2;
            }
            if (ws && !backend.servesWebSocket()) {
                err.println("note: " + backend.id() + " skipped: it serves no WebSocket");
            } else if (tls && !backend.servesTls()) {
                err.println("note: " + backend.id() + " skipped: it has no TLS (a bare selector, the floor of plain NIO)");
            } else if (!backend.parsesHttp() && !isHello(path)) {
                err.println("note: " + backend.id() + " skipped: it is no HTTP server and answers every request with /hello's"
                        + " response, so it is measured on /hello only, not " + path);
            } else {
                measured.add(backend.id());
            }
        }
        if (measured.isEmpty()) {
            err.println("--backends: nothing left to measure on " + path);
            return 2;
        }
        backends = measured;
        List<Double> targets = new ArrayList<>();
        for (String r : rates) {
            try {
                targets.add(r.equalsIgnoreCase("max") ? 0 : Double.parseDouble(r));
            } catch (NumberFormatException e) {
                err.println("--rate: '" + r + "' is neither a number nor max");
                return 2;
            }
        }
        if (connections < 1 || pipeline < 1 || repeat < 1 || size < 0 || size > WebSocketEcho.MAX_MESSAGE) {
            err.println("--connections, --pipeline and --repeat must be at least 1, --size from 0 to " + WebSocketEcho.MAX_MESSAGE);
            return 2;
        }
        if (ws && (tls || newConnection)) {
            err.println("--ws measures plain WebSocket connections, held open: leave out --tls and --new-connection");
            return 2;
        }
        if (newConnection && pipeline != 1) {
            err.println("--new-connection sends one request on each connection: leave --pipeline at 1");
            return 2;
        }
        if (tls) {
            tlsRun = BenchTls.make(newConnection);
        }
        try {
            return bench(err, targets);
        } finally {
            if (tlsRun != null) {
                tlsRun.close();
            }
        }
    }

    private int bench(PrintWriter err, List<Double> targets) throws Exception {
        Files.createDirectories(out);
        if (profile) {
            profiler = Profiler.extract();
            if (profiler.unavailable() != null) {
                err.println("--profile: " + profiler.unavailable());
                return 1;
            }
        }
        String[] cpus = Pinning.plan(noPin);
        if (cpus != null) {
            Pinning.pinSelf(cpus[1]);
        }
        int total = repeat * targets.size() * backends.size();
        long perRun = warmup.plus(duration).toSeconds() + 2;
        Map<String, List<Run>> runs = new LinkedHashMap<>();   // key: backend + rate
        int done = 0;
        long started = System.nanoTime();
        // region interleaved
        for (int round = 0; round < repeat; round++) {
            for (int t = 0; t < targets.size(); t++) {
                for (String backend : backends) {
                    long left = (total - done) * perRun;
                    err.printf("\r[%d/%d] %s at %s (about %d s left)        ", done + 1, total, backend, rates.get(t), left);
                    err.flush();
                    Run run = measure(backend, rates.get(t), targets.get(t), cpus == null ? null : cpus[0]);
                    runs.computeIfAbsent(backend + "-" + rates.get(t), k -> new ArrayList<>()).add(run);
                    done++;
                }
            }
        }
        // endregion interleaved
        err.printf("\rdone: %d runs in %.0f s%s%n", total, (System.nanoTime() - started) / 1e9, " ".repeat(30));
        if (profiledWith != null) {
            err.println("profiled with async-profiler, event=" + profiledWith + ", a sample per " + Profiler.INTERVAL + " of CPU");
        }
        String summary = Results.write(out, runs, backends, rates, describe(cpus), pipeline);
        if (ws) {
            summary = MessageUnits.rename(out, summary);
        }
        if (tlsRun != null) {
            tlsRun.appendHandshakeTable(out, runs, rates);
            summary += tlsRun.handshakeTable(out);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(summary);
        stdout.println("wrote " + out.resolve("summary.md") + ", " + out.resolve("summary.csv") + " and " + out.resolve("report.html"));
        return 0;
    }

    /**
     * One back-end at one rate: a fresh JVM, the warm-up and then the measured time on the same
     * connections, and the server's figures (CPU, allocation, the profiler) taken at the boundary.
     * A new set of connections for the measured time would put the JIT's answer to them into the
     * figures: the server's compiled code has never seen a connection close or arrive during the
     * warm-up, so C2 deoptimises its hot path there and recompiles it, on the same core, while the
     * load keeps coming.
     */
    private Run measure(String backend, String rateLabel, double target, String serverCpus) throws Exception {
        try (BackendProcess server = BackendProcess.start(backend, serverCpus, profiler == null ? List.of() : profiler.jvmFlags(),
                tlsRun == null ? List.of() : tlsRun.serveArguments())) {
            if (newConnection) {
                // Every request has a connection of its own, so no connection is carried over; but an
                // open loop's schedule would be: a warm-up that fell behind (a cold JVM's handshakes)
                // would spend the measured time on its own late requests. So it is a run of its own.
                load(server.port, target, tlsRun == null ? null : tlsRun.load(), Duration.ZERO, warmup, () -> { });
            }
            LoadTls tls = tlsRun == null ? null : tlsRun.load();
            long[] handshakesBefore = {0};
            CompletableFuture<Void> measuring = new CompletableFuture<>();
            CompletableFuture<LoadGenerator.Result> loaded = new CompletableFuture<>();
            Thread.ofPlatform().name("bench-load").daemon().start(() -> {
                try {
                    loaded.complete(load(server.port, target, tls, newConnection ? Duration.ZERO : warmup, duration, () -> {
                        // on the generator's loop: must not block
                        handshakesBefore[0] = tls == null ? 0 : tls.fullHandshakes();
                        measuring.complete(null);
                    }));
                } catch (Throwable e) {
                    loaded.completeExceptionally(e);
                }
            });
            CompletableFuture.anyOf(measuring, loaded).exceptionally(e -> null).join();
            if (!measuring.isDone()) {
                // Over before its measured time: a failure is thrown as it was; a run refused at the
                // start (a WebSocket handshake) comes back with its errors, for the table to show.
                result(loaded);
            }
            // A millisecond or two into the measured time (the hook's timer, a round trip to the
            // control port): 0.01% of 15 s, left out of the CPU and allocation it divides.
            BackendProcess.Allocated allocatedBefore = server.allocated();
            Duration cpuBefore = server.cpu();
            if (profiler != null) {   // after the figures: its start is a pause the back-end pays in them
                String event = server.startProfiler();
                profiledWith = profiledWith == null ? event : profiledWith;
            }
            long[] maxThreads = {server.status("Threads")};
            Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    maxThreads[0] = Math.max(maxThreads[0], server.status("Threads"));
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000_000);   // a sample every 100 ms
                }
            });
            LoadGenerator.Result r = result(loaded);
            if (tlsRun != null) {
                tlsRun.measured(backend, rateLabel, tls.fullHandshakes() - handshakesBefore[0], tls.negotiated());
            }
            double cpu = (server.cpu().minus(cpuBefore).toNanos()) / 1e9;
            BackendProcess.Allocated allocatedAfter = server.allocated();
            sampler.interrupt();
            sampler.join();
            if (profiler != null) {   // and stopped after: writing the flame graph takes CPU too
                int round = profiledRuns.merge(backend + "-" + rateLabel, 1, Integer::sum);
                server.stopProfiler(out.resolve("flame-" + backend + "-" + rateLabel + (repeat > 1 ? "-round" + round : "") + ".html"));
            }
            return new Run(backend, rateLabel, r, cpu, server.status("VmHWM"), maxThreads[0],
                    allocatedAfter.all() - allocatedBefore.all(),
                    allocatedBefore.loop() < 0 ? -1 : allocatedAfter.loop() - allocatedBefore.loop());
        }
    }

    /** The load's result, or what made it fail, as it was thrown. */
    private static LoadGenerator.Result result(CompletableFuture<LoadGenerator.Result> loaded) throws Exception {
        try {
            return loaded.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /**
     * The load on the back-end at {@code port}, {@code warm} and then {@code measured} on the same
     * connections: HTTP GETs of the path (over TLS with {@code tls}), or WebSocket messages.
     */
    private LoadGenerator.Result load(int port, double target, LoadTls tls, Duration warm, Duration measured,
                                      Runnable measuring) throws Exception {
        return ws ? WsLoadGenerator.run(new WsLoadGenerator.Plan(URI.create("ws://127.0.0.1:" + port + WebSocketEcho.PATH),
                connections, target, size, warm, measured, pipeline), measuring)
                : LoadGenerator.run(new LoadGenerator.Plan(URI.create((tls == null ? "http" : "https") + "://127.0.0.1:" + port
                        + path), connections, target, warm, measured, pipeline, tls, newConnection), measuring);
    }

    private String describe(String[] cpus) {
        return String.format(Locale.ROOT, "%d connections, pipeline %d, %s, %d ms warm-up + %d ms measured per run%s,"
                        + " %d round(s) interleaved; back-end JVM flags: %s; %s", connections, pipeline,
                ws ? "WebSocket binary messages of " + size + " bytes echoed by " + WebSocketEcho.PATH : "GET " + path, warmup.toMillis(),
                duration.toMillis(), newConnection ? "" : " on the same connections", repeat,
                String.join(" ", BackendProcess.JVM_FLAGS), cpus == null ? "not pinned"
                        : "back-end pinned to CPU " + cpus[0] + ", load generator to " + cpus[1])
                + (tlsRun == null ? newConnection ? ", a new connection per request (Connection: close)" : "" : ", " + tlsRun.describe())
                + (newConnection ? ", the warm-up a run of its own" : "")
                + (profiledWith == null ? "" : "; profiled with async-profiler (event=" + profiledWith
                        + "), whose cost is in the figures");
    }

    /** Whether {@code target} asks for /hello, whatever its query: the one path nio-floor answers truly. */
    static boolean isHello(String target) {
        int q = target.indexOf('?');
        return (q < 0 ? target : target.substring(0, q)).equals("/hello");
    }

    /** Medians over rounds. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** All rounds' latencies of one back-end at one rate, together. */
    static Histogram merged(List<Run> runs) {
        Histogram h = runs.get(0).result().latencyMicros().copy();
        for (int i = 1; i < runs.size(); i++) {
            h.add(runs.get(i).result().latencyMicros());
        }
        return h;
    }
}
