package io.rawloop.compare.load;

import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.ResponseParser;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;

/**
 * An HTTP load generator on one rawloop event loop, in wrk2's manner.
 *
 * <p><b>Open loop</b> (a rate): request i of a connection is <em>intended</em> to leave at
 * {@code start + i × connections / rate}, and its latency is measured from that intended time,
 * not from when it actually left. A server that stalls for a second cannot hide the stall by
 * slowing the sender down: every request that should have gone during the stall is charged the
 * wait (the coordinated-omission correction). <b>Closed loop</b> ({@code rate 0}): each
 * connection sends as soon as it may, for throughput.
 *
 * <p>With {@code pipeline} above 1 a connection keeps up to that many requests in flight.
 * Latencies go into an HdrHistogram in microseconds with 3 significant digits. Requests are one
 * pre-encoded byte array; responses are read with rawloop's {@link ResponseParser}.
 *
 * <p>Over TLS ({@link LoadTls}) the same, through rawloop's own client TLS. With {@code
 * newConnection} every request has a connection of its own, asking {@code Connection: close}: a
 * full TLS handshake per request, whose latency (from the intended time, or in closed loop from
 * the connect) includes the connect and the handshake. Its connection is opened when the request
 * is due, not before, so no handshake is done ahead of time.
 */
public final class LoadGenerator {

    /**
     * What to run. {@code rate} 0 means closed loop (as fast as the server answers). {@code tls}
     * null: plain TCP. {@code newConnection}: one request per connection (then {@code pipeline} is 1).
     */
    public record Plan(URI url, int connections, double rate, Duration warmup, Duration duration, int pipeline,
                       LoadTls tls, boolean newConnection) {
        /** Plain TCP, kept-alive connections. */
        public Plan(URI url, int connections, double rate, Duration warmup, Duration duration, int pipeline) {
            this(url, connections, rate, warmup, duration, pipeline, null, false);
        }

        /** Validates: a new connection per request carries one request. */
        public Plan {
            if (newConnection && pipeline != 1) {
                throw new IllegalArgumentException("a new connection per request sends one request on each: pipeline must be 1");
            }
        }
    }

    /** What came of it. */
    public record Result(Histogram latencyMicros, long completed, double seconds, Map<String, Long> errors) {
        /** Responses per second over the measured part. */
        public double achievedRate() {
            return completed / seconds;
        }
    }

    private LoadGenerator() {
    }

    /** Runs {@code plan} on a loop of its own; returns when it is over. */
    public static Result run(Plan plan) throws Exception {
        return run(plan, () -> { });
    }

    /**
     * {@link #run(Plan)}, calling {@code measuring} on the generator's loop thread when the warm-up
     * is over and the measured time begins; it must not block.
     */
    public static Result run(Plan plan, Runnable measuring) throws Exception {
        try (EventLoop loop = EventLoop.builder().name("load").build()) {
            loop.start();
            Run run = new Run(loop, plan, measuring);
            CompletableFuture<Result> done = loop.submit(run::start).thenCompose(f -> f);
            return done.get(plan.warmup().plus(plan.duration()).toSeconds() + 60, TimeUnit.SECONDS);
        }
    }

    /** One run: its connections and figures, all on the loop thread. */
    private static final class Run {
        final EventLoop loop;
        final Plan plan;
        final byte[] request;
        final InetSocketAddress address;
        final CompletableFuture<Result> done = new CompletableFuture<>();
        final List<Client> clients = new ArrayList<>();
        final long intervalNanos;
        final Window window;
        final Runnable measuring;

        Run(EventLoop loop, Plan plan, Runnable measuring) {
            this.loop = loop;
            this.plan = plan;
            this.measuring = measuring;
            URI u = plan.url();
            int port = u.getPort() >= 0 ? u.getPort() : plan.tls() != null ? 443 : 80;
            String target = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
            this.request = ("GET " + target + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + port
                    + (plan.newConnection() ? "\r\nConnection: close" : "") + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            this.address = new InetSocketAddress(u.getHost(), port);
            this.intervalNanos = plan.rate() > 0 ? (long) (1e9 * plan.connections() / plan.rate()) : 0;
            this.window = new Window(plan.duration());
        }

        CompletableFuture<Result> start() {
            long startNanos = System.nanoTime();
            window.start(loop, startNanos, plan.warmup(), measuring, this::drain);
            for (int i = 0; i < plan.connections(); i++) {
                // Spread the connections' schedules evenly over one interval.
                Client c = new Client(this, startNanos + intervalNanos * i / plan.connections());
                clients.add(c);
                if (plan.newConnection()) {
                    c.connectWhenDue();
                } else {
                    c.connect();
                }
            }
            return done;
        }

        /** The measured time is over: send nothing more, and wait for the answers in flight ({@link Window#drain}). */
        void drain() {
            window.drain(loop, () -> clients.stream().allMatch(c -> c.inFlight.isEmpty()), this::finish);
        }

        void error(String kind) {
            window.error(kind, false);
        }

        void finish() {
            if (done.isDone()) {
                return;
            }
            for (Client c : clients) {
                for (long[] intended : c.inFlight) {
                    window.unanswered(intended[0]);
                }
                c.stop();
            }
            done.complete(window.result());
        }
    }

    /** One connection: sends on schedule (or as soon as it may), reads answers in order. */
    private static final class Client implements ConnectionHandler {
        final Run run;
        final ArrayDeque<long[]> inFlight = new ArrayDeque<>();   // intended send times
        ResponseParser parser;
        long nextIntended;
        /** When the current connection's connect began: a new connection's closed-loop request counts from it. */
        long connectStarted;
        TcpConnection connection;
        Timer timer;
        boolean stopped;

        Client(Run run, long firstIntended) {
            this.run = run;
            this.nextIntended = firstIntended;
        }

        void connect() {
            connectStarted = System.nanoTime();
            TcpConnection.connect(run.loop, run.address, Duration.ofSeconds(10)).onComplete((c, failure) -> {
                if (stopped || c != null && run.plan.newConnection() && run.window.draining()) {
                    if (c != null) {
                        c.close();
                    }
                } else if (failure != null) {
                    run.error("connect");
                    run.loop.schedule(Duration.ofMillis(100), this::connect);
                } else {
                    connection = c;
                    parser = new ResponseParser();
                    parser.expectResponseTo("GET");
                    if (run.plan.tls() != null) {
                        c.startTls(run.plan.tls().engine(), run.plan.tls().options());   // its handshake begins at setHandler
                    }
                    c.setHandler(this);
                    send();
                    if (run.plan.newConnection() && run.intervalNanos == 0 && !inFlight.isEmpty()) {
                        inFlight.peek()[0] = connectStarted;   // closed loop: its latency counts the connect too
                    }
                }
            });
        }

        // region send
        /** Sends every request that is due and fits in the pipeline; sets a timer for the next. */
        void send() {
            if (stopped || connection == null || run.window.draining()) {
                return;
            }
            long now = System.nanoTime();
            boolean closedLoop = run.intervalNanos == 0;
            int sent = 0;
            while (inFlight.size() < run.plan.pipeline() && (closedLoop || nextIntended <= now)) {
                inFlight.add(new long[] {closedLoop ? now : nextIntended});
                nextIntended += run.intervalNanos;
                sent++;
            }
            if (sent > 0) {
                ByteBuffer out = ByteBuffer.allocate(run.request.length * sent);
                for (int i = 0; i < sent; i++) {
                    out.put(run.request);
                }
                connection.write(out.flip());
            }
            if (!closedLoop && inFlight.size() < run.plan.pipeline() && timer == null) {
                timer = run.loop.schedule(Duration.ofNanos(Math.max(0, nextIntended - now)), () -> {
                    timer = null;
                    send();
                });
            }
        }
        // endregion send

        @Override
        public void onData(TcpConnection c, ByteBuffer data) {
            try {
                for (HttpEvent e; (e = parser.parse(data)) != HttpEvent.NEED_MORE; ) {
                    if (e == HttpEvent.HEAD && parser.head().status() >= 400) {
                        run.error("status " + parser.head().status());
                    } else if (e == HttpEvent.COMPLETE) {
                        long[] intended = inFlight.poll();
                        if (intended != null) {
                            run.window.record(intended[0], System.nanoTime());
                        }
                        parser.expectResponseTo("GET");
                    }
                }
            } catch (HttpException x) {
                run.error("malformed");
                c.abort();
                return;
            }
            if (run.plan.newConnection() && inFlight.isEmpty()) {
                c.close();   // answered: the next request has a connection (and a handshake) of its own
                connection = null;   // and nothing more is sent on this one
            }
            if (run.window.draining()) {
                run.window.finishIfDrained();
            } else {
                send();
            }
        }

        @Override
        public void onClose(TcpConnection c, Throwable cause) {
            connection = null;
            if (timer != null) {
                timer.cancel();
                timer = null;
            }
            if (stopped) {
                return;
            }
            for (int i = 0; i < inFlight.size(); i++) {
                run.error(cause == null ? "closed" : cause instanceof SSLException ? "tls: " + IoErrors.reason(cause) : "reset");
            }
            inFlight.clear();
            if (cause instanceof SSLException) {
                run.loop.schedule(Duration.ofMillis(100), this::connect);   // a refused handshake: do not spin on it
            } else if (run.plan.newConnection()) {
                connectWhenDue();
            } else {
                connect();
            }
        }

        /** A new connection per request: the next one opens when its request is due (at once in closed loop). */
        private void connectWhenDue() {
            long now = System.nanoTime();
            if (run.window.draining() || (run.intervalNanos == 0 ? now : nextIntended) >= run.window.until()) {
                return;   // its request would fall outside the measured time: no handshake for it
            }
            long wait = run.intervalNanos == 0 ? 0 : nextIntended - now;
            if (wait <= 0) {
                connect();
            } else {
                timer = run.loop.schedule(Duration.ofNanos(wait), () -> {
                    timer = null;
                    connect();
                });
            }
        }

        void stop() {
            stopped = true;
            if (timer != null) {
                timer.cancel();
            }
            if (connection != null) {
                connection.close();
            }
        }
    }
}
