package io.rawloop.server.demo;

import static io.rawloop.loop.Coroutine.await;

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

    private static final String INDEX = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>rawloop demo</title></head>
            <body>
            <h1>rawloop</h1>
            <p>An HTTP/1.1 server on an event loop written by hand on <code>java.nio.channels.Selector</code>.
            Every endpoint below is answered by one loop thread per core, without blocking it.</p>
            <ul>
            <li><a href="/hello">/hello</a>: "Hello, World!" as text, the TechEmpower plaintext answer.</li>
            <li><a href="/json">/json</a>: the same as a JSON object.</li>
            <li><a href="/echo">/echo</a>: your request as JSON: method, target, version, headers in order, body (any method).</li>
            <li><a href="/sleep?ms=500">/sleep?ms=500</a>: answers after 500 ms on a loop timer; no thread waits.</li>
            <li><a href="/stream?n=5&amp;ms=300">/stream?n=5&amp;ms=300</a>: five chunks, one every 300 ms, chunked encoding.</li>
            <li><a href="/fetch?url=http://127.0.0.1:PORT/hello">/fetch?url=...</a>: fetches a URL from the same loop (a coroutine) and relays the answer.</li>
            <li><a href="/cpu?n=20000000">/cpu?n=20000000</a>: CPU-bound work on the loop (everyone else waits);
              <a href="/cpu?n=20000000&amp;offload=true">with offload=true</a> it runs on the worker pool instead.</li>
            <li><a href="/stats">/stats</a>: the server's and the loops' figures: connections, requests, loop lag, timers.</li>
            <li><a href="/static/index.html">/static/...</a>: files from --static DIR (or a bundled page), with ETag and 304.</li>
            </ul>
            </body></html>
            """;

    /**
     * The constant answers, built once: a response that nobody changes after it is published can
     * be sent by every loop at once (the server only reads it).
     */
    private static final Response HELLO = Response.text(200, "Hello, World!");
    private static final Response JSON = Response.json(200, "{\"message\":\"Hello, World!\"}");

    private DemoApp() {
    }

    /**
     * The demo's routes.
     *
     * @param server a supplier of the running server, for /stats
     * @param files  where /static/ serves from
     */
    // region routes
    public static Router routes(Supplier<HttpServer> server, StaticFiles files) {
        Relay relay = new Relay();
        return new Router()
                .get("/", Handler.of(r -> Response.html(200, INDEX.replace("PORT", port(r)))))
                .get("/hello", Handler.of(r -> HELLO))
                .get("/json", Handler.of(r -> JSON))
                .any("/echo", Handler.of(DemoApp::echo))
                .get("/sleep", Handler.coroutine(DemoApp::sleep))
                .get("/stream", Handler.of(DemoApp::stream))
                .get("/fetch", Handler.coroutine(relay::fetch))
                .get("/cpu", Handler.coroutine(DemoApp::cpu))
                .get("/stats", Handler.of(r -> Response.json(200, stats(server.get()))))
                .get("/static/*", files);
    }
    // endregion routes

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
                    .append(",\"queuedBytes\":").append(l.queuedBytes()).append("}");
        }
        loops.append("]");
        return "{\"openConnections\":" + s.openConnections() + ",\"acceptedConnections\":" + s.acceptedConnections()
                + ",\"requests\":" + s.requests() + ",\"responses\":" + s.responses() + ",\"rejected\":" + s.rejected()
                + ",\"writeStalls\":" + s.writeStalls() + ",\"acceptFailures\":" + s.acceptFailures()
                + ",\"loops\":" + loops + "}\n";
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
