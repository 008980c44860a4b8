package io.rawloop.compare.load;

import io.rawloop.loop.EventLoop;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket load generator on one rawloop event loop: {@link LoadGenerator}'s method, with
 * messages for requests. It opens N connections to an echo endpoint (the opening handshake of
 * RFC 6455 §4.1), and only once all are open does the clock start: what it measures is the echo,
 * not the handshake. Then each connection sends binary messages of S bytes, masked as a client
 * must (§5.3), and times each echo's return.
 *
 * <p><b>Open loop</b> (a rate in messages per second over all connections): message i of a
 * connection is intended to leave at {@code start + i × connections / rate}, and its round trip
 * counts from that intended time, so a stalled server is charged for every message that should
 * have left meanwhile (the coordinated-omission correction). <b>Closed loop</b> ({@code rate} 0):
 * each connection sends its next message as soon as an echo frees a place. Either way at most
 * {@code inFlight} messages per connection are unanswered; a server echoes in order, so the
 * intended times wait in a queue and the echo that arrives answers the oldest.
 *
 * <p>Round trips go into an HdrHistogram in microseconds, and the result is
 * {@link LoadGenerator.Result}, so that {@code load} and {@code bench} report both alike.
 */
public final class WsLoadGenerator {

    /**
     * What to run: {@code url} is {@code ws://HOST:PORT/PATH}; {@code rate} 0 means closed loop;
     * {@code size} is each message's payload in bytes.
     */
    public record Plan(URI url, int connections, double rate, int size, Duration warmup, Duration duration, int inFlight) {
    }

    private WsLoadGenerator() {
    }

    /** Runs {@code plan} on a loop of its own; returns when it is over. */
    public static LoadGenerator.Result run(Plan plan) throws Exception {
        return run(plan, () -> { });
    }

    /** {@link #run(Plan)}, calling {@code measuring} on the loop thread when the measured time begins; it must not block. */
    public static LoadGenerator.Result run(Plan plan, Runnable measuring) throws Exception {
        try (EventLoop loop = EventLoop.builder().name("ws-load").build()) {
            loop.start();
            Run run = new Run(loop, plan, measuring);
            CompletableFuture<LoadGenerator.Result> done = loop.submit(run::open).thenCompose(f -> f);
            // Opening the connections comes first and is not part of the measured time: a minute for it.
            return done.get(plan.warmup().plus(plan.duration()).toSeconds() + 120, TimeUnit.SECONDS);
        }
    }

    /** One run: its connections, its measured window and its figures, all on the loop thread. */
    static final class Run {
        final EventLoop loop;
        final Plan plan;
        final InetSocketAddress address;
        final byte[] payload;
        final CompletableFuture<LoadGenerator.Result> done = new CompletableFuture<>();
        final List<WsLoadClient> clients = new ArrayList<>();
        final long intervalNanos;
        final Window window;
        final Runnable measuring;
        int opened;
        boolean started;

        Run(EventLoop loop, Plan plan, Runnable measuring) {
            this.loop = loop;
            this.plan = plan;
            this.measuring = measuring;
            URI u = plan.url();
            this.address = new InetSocketAddress(u.getHost(), u.getPort() < 0 ? 80 : u.getPort());
            this.payload = new byte[plan.size()];
            ThreadLocalRandom.current().nextBytes(payload);
            this.intervalNanos = plan.rate() > 0 ? (long) (1e9 * plan.connections() / plan.rate()) : 0;
            this.window = new Window(plan.duration());
        }

        CompletableFuture<LoadGenerator.Result> open() {
            for (int i = 0; i < plan.connections(); i++) {
                WsLoadClient c = new WsLoadClient(this);
                clients.add(c);
                c.connect();
            }
            return done;
        }

        /** A connection finished its handshake; the last one starts the clock. */
        void opened() {
            if (++opened == plan.connections() && !started) {
                started = true;
                long start = System.nanoTime();
                window.start(loop, start, plan.warmup(), measuring, this::drain);
                for (int i = 0; i < clients.size(); i++) {
                    // Spread the connections' schedules evenly over one interval.
                    clients.get(i).begin(start + intervalNanos * i / clients.size());
                }
            }
        }

        /** The path and the Host field's value, for the handshake. */
        String target() {
            String path = plan.url().getRawPath();
            return (path == null || path.isEmpty() ? "/" : path) + (plan.url().getRawQuery() == null ? ""
                    : "?" + plan.url().getRawQuery());
        }

        String host() {
            return plan.url().getHost() + ":" + address.getPort();
        }

        /** The measured time is over: send nothing more, and wait (2 s at most) for the echoes in flight. */
        void drain() {
            window.drain(loop, () -> clients.stream().allMatch(c -> c.inFlight.isEmpty()), this::finish);
        }

        /** Counted while measuring; before the clock starts, only a refused handshake counts (it would never start). */
        void error(String kind) {
            if (!done.isDone()) {   // once the result is handed over, its errors are no longer ours to change
                window.error(kind, kind.startsWith("handshake"));
            }
        }

        /** A connection cannot be opened at all (the handshake was refused): the run ends with that error. */
        void refused(String why) {
            error("handshake: " + why);
            finish();
        }

        void finish() {
            if (done.isDone()) {
                return;
            }
            for (WsLoadClient c : clients) {
                for (long intended : c.inFlight) {
                    window.unanswered(intended);
                }
                c.stop();
            }
            done.complete(window.result());
        }
    }
}
