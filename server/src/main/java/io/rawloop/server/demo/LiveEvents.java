package io.rawloop.server.demo;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.LoopStats;
import io.rawloop.loop.Promise;
import io.rawloop.loop.Timer;
import io.rawloop.server.BodyWriter;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Request;
import io.rawloop.server.Response;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * {@code /events}: the loops' live figures as Server-Sent Events, one JSON object per tick (every
 * {@link #TICK}), for the index page's charts. A real streaming response: a comment every
 * {@link #KEEP_ALIVE} keeps proxies from closing a quiet stream, a client that goes away ends it
 * (its write fails, or the body writer says it is closed) and its timer with it, and
 * {@link #close()} ends every stream, for a graceful shutdown that need not wait for them.
 *
 * <h2>One stream's life</h2>
 * <pre>
 *   OPEN ──tick: write──▶ OPEN ... ──write failed, client gone, or close()──▶ ENDED
 * </pre>
 * A tick whose previous write is still on its way (a client that reads slowly) is skipped rather
 * than queued: the stream never holds more than one tick's bytes.
 */
final class LiveEvents {

    static final Duration TICK = Duration.ofMillis(500);
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final Supplier<HttpServer> server;
    private final RequestFigures requests;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();

    LiveEvents(Supplier<HttpServer> server, RequestFigures requests) {
        this.server = server;
        this.requests = requests;
    }

    /** The route's answer: a stream that ticks on the request's loop. */
    Response events(Request request) {
        EventLoop loop = request.loop();
        return Response.stream(200, "text/event-stream", out -> new Stream(loop, out).start())
                .header("Cache-Control", "no-cache");
    }

    /** Streams open now (for tests: none is left behind by a client that went away). */
    int openStreams() {
        return open.size();
    }

    /** Ends every stream, each on its own loop. Any thread. */
    void close() {
        for (Stream s : open) {
            s.loop.execute(s::end);
        }
    }

    /** One client's stream; confined to its loop. */
    private final class Stream {
        private final EventLoop loop;
        private final BodyWriter out;
        private Timer timer;
        private Promise<Void> inFlight;
        private long lastKeepAlive;
        private long lastTick;
        private long[] lastRequests;
        private long[] lastCallbacks;
        private boolean ended;

        Stream(EventLoop loop, BodyWriter out) {
            this.loop = loop;
            this.out = out;
        }

        void start() {
            open.add(this);
            lastKeepAlive = loop.nanoTime();
            send("retry: 2000\n: rawloop live figures, one JSON object every " + TICK.toMillis() + " ms\n\n");
            tick();
        }

        private void tick() {
            if (ended) {
                return;
            }
            if (!out.isOpen()) {
                end();
                return;
            }
            long now = loop.nanoTime();
            if (inFlight == null || inFlight.isDone()) {
                StringBuilder event = new StringBuilder();
                if (now - lastKeepAlive >= KEEP_ALIVE.toNanos()) {
                    event.append(": keep-alive\n\n");
                    lastKeepAlive = now;
                }
                event.append("data: ").append(figures(now)).append("\n\n");
                send(event.toString());
            }
            timer = loop.schedule(TICK, this::tick);
        }

        private void send(String text) {
            Promise<Void> written = out.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
            inFlight = written;
            written.onComplete((v, failure) -> {
                if (failure != null) {
                    end();   // the client went away
                }
            });
        }

        /** This tick's JSON: per loop, and rates since the previous tick. */
        private String figures(long now) {
            HttpServer s = server.get();
            List<EventLoop> loops = s.loops();
            long[] reqs = new long[loops.size()];
            long[] callbacks = new long[loops.size()];
            double seconds = lastRequests == null ? 0 : (now - lastTick) / 1e9;
            StringBuilder json = new StringBuilder(256 * loops.size());
            HttpServer.ServerStats server = s.stats();
            json.append("{\"time\":").append(System.currentTimeMillis())
                    .append(",\"connections\":").append(server.openConnections())
                    .append(",\"requests\":").append(server.requests()).append(",\"loops\":[");
            for (int i = 0; i < loops.size(); i++) {
                EventLoop l = loops.get(i);
                LoopStats st = l.stats();
                reqs[i] = requests.of(l.name()).requests;
                callbacks[i] = st.callbacksRun();
                double rps = seconds == 0 ? 0 : (reqs[i] - lastRequests[i]) / seconds;
                double cps = seconds == 0 ? 0 : (callbacks[i] - lastCallbacks[i]) / seconds;
                json.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.string(l.name()))
                        .append(",\"utilization\":").append(fmt(st.utilization()))
                        .append(",\"delayP50Ms\":").append(fmt(st.delay().percentileNanos(50) / 1e6))
                        .append(",\"delayP99Ms\":").append(fmt(st.delay().percentileNanos(99) / 1e6))
                        .append(",\"delayMaxMs\":").append(fmt(st.delay().maxNanos() / 1e6))
                        .append(",\"ready\":").append(st.readyCallbacks())
                        // every channel but the loop's listener is a connection
                        .append(",\"connections\":").append(Math.max(0, st.registeredChannels() - 1))
                        .append(",\"requestsPerSecond\":").append(fmt(rps))
                        .append(",\"callbacksPerSecond\":").append(fmt(cps))
                        .append(",\"callbacksPerIteration\":").append(fmt(st.callbacksPerIteration()))
                        .append(",\"pendingTimers\":").append(st.pendingTimers())
                        .append(",\"queuedBytes\":").append(st.queuedBytes()).append('}');
            }
            lastTick = now;
            lastRequests = reqs;
            lastCallbacks = callbacks;
            return json.append("]}").toString();
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            open.remove(this);
            if (timer != null) {
                timer.cancel();
            }
            if (out.isOpen()) {
                out.end();
            }
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
