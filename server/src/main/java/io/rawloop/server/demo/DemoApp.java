package io.rawloop.server.demo;

import static io.rawloop.loop.Coroutine.await;

import io.rawloop.client.websocket.WebSocketOptions;
import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.LoopStats;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpError;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Request;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;

/** The demo's endpoints (listed on its index page and the design page): each shows one thing an event loop does. */
public final class DemoApp {

    /** The index page, its script and its stylesheet: in the jar, read once. */
    private static final String INDEX = Resources.text("live/index.html");
    private static final Response SCRIPT = Resources.response("live/live.js", "text/javascript; charset=utf-8");
    private static final Response STYLE = Resources.response("live/live.css", "text/css; charset=utf-8");


    /**
     * The constant answers, built once: a response that nobody changes after it is published can
     * be sent by every loop at once (the server only reads it).
     */
    private static final Response HELLO = Response.text(200, "Hello, World!");
    private static final Response JSON = Response.json(200, "{\"message\":\"Hello, World!\"}");

    private DemoApp() {
    }

    /**
     * The demo's routes, counted per loop for {@code /events} and {@code /metrics}.
     *
     * @param server a supplier of the running server, for /stats, /events and /metrics
     * @param files  where /static/ serves from
     */
    public static Handler routes(Supplier<HttpServer> server, StaticFiles files) {
        return routes(server, files, new RequestFigures()).handler();
    }

    /** The routes with the figures they keep, and their live streams (which a shutdown ends). */
    static Live routes(Supplier<HttpServer> server, StaticFiles files, RequestFigures requests) {
        return routes(server, files, requests, WebSocketOptions.DEFAULT);
    }

    /** As {@link #routes(Supplier, StaticFiles, RequestFigures)}, with the WebSocket routes' options. */
    static Live routes(Supplier<HttpServer> server, StaticFiles files, RequestFigures requests,
                       WebSocketOptions webSockets) {
        LiveEvents live = new LiveEvents(server, requests);
        return new Live(requests.counting(WebSocketDemo.routes(router(server, files, live, requests), webSockets)), live);
    }

    /** A handler and the live streams behind its {@code /events}. */
    record Live(Handler handler, LiveEvents events) {
    }

    // region routes
    private static Router router(Supplier<HttpServer> server, StaticFiles files, LiveEvents live,
                                 RequestFigures requests) {
        Relay relay = new Relay();
        return new Router()
                .get("/", Handler.of(r -> Response.html(200, INDEX.replace("PORT", port(r)))))
                .get("/live.js", Handler.of(r -> SCRIPT))
                .get("/live.css", Handler.of(r -> STYLE))
                .get("/hello", Handler.of(r -> HELLO))
                .get("/json", Handler.of(r -> JSON))
                .any("/echo", Handler.of(DemoApp::echo))
                .get("/sleep", anyOrigin(Handler.coroutine(DemoApp::sleep)))
                .get("/stream", Handler.of(DemoApp::stream))
                .get("/fetch", Handler.coroutine(relay::fetch))
                .get("/cpu", Handler.coroutine(DemoApp::cpu))
                .get("/block", Handler.coroutine(DemoApp::block))
                .get("/stats", Handler.of(r -> Response.json(200, stats(server.get()))))
                .get("/events", Handler.of(live::events))
                .get("/metrics", Handler.of(r -> Response.bytes(200, Metrics.CONTENT_TYPE,
                        Metrics.of(server.get(), requests).getBytes(StandardCharsets.UTF_8))))
                .get("/static/*", files);
    }
    // endregion routes

    /**
     * {@code handler}, answering any origin: the index page's "1,000 sleeping requests" spreads
     * them over host names that all mean this server (the browser opens only six connections to
     * one), and a page may read another origin's answer only if it says so.
     */
    private static Handler anyOrigin(Handler handler) {
        return (request, loop) -> handler.handle(request, loop).map(r -> r.header("Access-Control-Allow-Origin", "*"));
    }

    private static String port(Request r) {
        return r.headers().get("Host") == null ? "8080" : r.headers().get("Host").replaceAll(".*:", "");
    }

    static Response echo(Request r) {
        StringBuilder headers = new StringBuilder("[");
        for (int i = 0; i < r.headers().size(); i++) {
            headers.append(i == 0 ? "" : ",").append("[").append(Json.string(r.headers().name(i))).append(",")
                    .append(Json.string(r.headers().value(i))).append("]");
        }
        headers.append("]");
        return Response.json(200, "{\"method\":" + Json.string(r.method()) + ",\"target\":" + Json.string(r.target())
                + ",\"version\":" + Json.string(r.version().text()) + ",\"headers\":" + headers
                + ",\"body\":" + Json.string(r.bodyText()) + "}\n");
    }

    // region sleep
    private static Response sleep(Request r) throws Exception {
        long ms = number(r, "ms", 0, 60_000, 100);
        Coroutine.sleep(Duration.ofMillis(ms));
        return Response.text(200, "slept " + ms + " ms on a loop timer\n");
    }
    // endregion sleep

    private static Response stream(Request r) {
        long n = number(r, "n", 1, 10_000, 5);
        long ms = number(r, "ms", 0, 60_000, 200);
        EventLoop loop = r.loop();
        return Response.stream(200, "text/plain; charset=utf-8", out -> loop.spawn(() -> {
            for (long i = 1; i <= n && out.isOpen(); i++) {
                await(out.write(ByteBuffer.wrap(("chunk " + i + " of " + n + "\n").getBytes(StandardCharsets.UTF_8))));
                if (i < n) {
                    Coroutine.sleep(Duration.ofMillis(ms));
                }
            }
            out.end();
            return null;
        }));
    }

    // region cpu
    private static Response cpu(Request r) throws Exception {
        long n = number(r, "n", 1, 2_000_000_000, 10_000_000);
        boolean offload = "true".equals(r.queryParameter("offload"));
        long start = System.nanoTime();
        double result = offload ? await(r.loop().offload(() -> work(n))) : work(n);
        long micros = (System.nanoTime() - start) / 1000;
        return Response.text(200, String.format("%d iterations %s in %d us (result %.3f)%n", n,
                offload ? "on the offload pool" : "on the loop thread, blocking it", micros, result));
    }
    // endregion cpu

    // region block
    /** {@code ms} milliseconds of arithmetic on the loop (everyone else on it waits), or offloaded. */
    private static Response block(Request r) throws Exception {
        long ms = number(r, "ms", 1, 10_000, 200);
        boolean offload = "true".equals(r.queryParameter("offload"));
        long rounds = offload ? await(r.loop().offload(() -> busyFor(ms))) : busyFor(ms);
        return Response.json(200, "{\"loop\":" + Json.string(r.loop().name()) + ",\"ms\":" + ms
                + ",\"offloaded\":" + offload + ",\"rounds\":" + rounds + "}\n");
    }
    // endregion block

    /** Computes for {@code ms} milliseconds of wall time, whatever the machine's speed; the rounds done. */
    static long busyFor(long ms) {
        long end = System.nanoTime() + ms * 1_000_000;
        long rounds = 0;
        double sink = 0;
        while (System.nanoTime() < end) {
            sink += work(10_000);
            rounds++;
        }
        return sink > 0 ? rounds : -rounds;   // sink keeps the JIT from dropping the work
    }

    /** CPU-bound work the JIT cannot remove: a sum of square roots. */
    static double work(long n) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += Math.sqrt(i);
        }
        return sum;
    }

    static String stats(HttpServer server) {
        HttpServer.ServerStats s = server.stats();
        StringBuilder loops = new StringBuilder("[");
        for (int i = 0; i < server.loops().size(); i++) {
            LoopStats l = server.loops().get(i).stats();
            loops.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.string(server.loops().get(i).name()))
                    .append(",\"iterations\":").append(l.iterations()).append(",\"callbacks\":").append(l.callbacksRun())
                    .append(",\"callbackErrors\":").append(l.callbackErrors()).append(",\"wakeups\":").append(l.wakeups())
                    .append(",\"pendingTimers\":").append(l.pendingTimers())
                    .append(",\"timerLagMeanMicros\":").append(l.timerLagMeanNanos() / 1000)
                    .append(",\"timerLagMaxMicros\":").append(l.timerLagMaxNanos() / 1000)
                    .append(",\"channels\":").append(l.registeredChannels())
                    .append(",\"queuedBytes\":").append(l.queuedBytes())
                    .append(",\"utilization\":").append(String.format(java.util.Locale.ROOT, "%.3f", l.utilization()))
                    .append(",\"delayP99Micros\":").append(l.delay().percentileNanos(99) / 1000)
                    .append(",\"delayMaxMicros\":").append(l.delay().maxNanos() / 1000).append("}");
        }
        loops.append("]");
        return "{\"openConnections\":" + s.openConnections() + ",\"acceptedConnections\":" + s.acceptedConnections()
                + ",\"requests\":" + s.requests() + ",\"responses\":" + s.responses() + ",\"rejected\":" + s.rejected()
                + ",\"writeStalls\":" + s.writeStalls() + ",\"acceptFailures\":" + s.acceptFailures()
                + ",\"tls\":" + tls(server.tlsStats()) + ",\"loops\":" + loops + "}\n";
    }

    /** {@code {"handshakes":2,"handshakeFailures":1,"versions":{"TLSv1.2":1,"TLSv1.3":1}}} */
    private static String tls(HttpServer.TlsStats t) {
        StringBuilder versions = new StringBuilder("{");
        t.versions().forEach((version, count) ->
                versions.append(versions.length() == 1 ? "" : ",").append(Json.string(version)).append(':').append(count));
        return "{\"handshakes\":" + t.handshakes() + ",\"handshakeFailures\":" + t.handshakeFailures()
                + ",\"versions\":" + versions + "}}";
    }

    /** A numeric query parameter within [min, max], or {@code otherwise}; bad input is an {@link HttpError} 400. */
    static long number(Request r, String name, long min, long max, long otherwise) {
        String value = r.queryParameter(name);
        if (value == null || value.isEmpty()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(value);
            if (n < min || n > max) {
                throw new HttpError(400, name + " must be from " + min + " to " + max + ", not " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new HttpError(400, name + " must be a whole number, not '" + value + "'");
        }
    }
}
