package io.rawloop.server.demo;

import io.rawloop.loop.DelayHistogram;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.LoopStats;
import io.rawloop.server.HttpServer;
import java.util.List;

/**
 * {@code /metrics}: the loops' and the server's figures in Prometheus' text exposition format
 * (version 0.0.4), named as its naming guide says: a {@code rawloop_} prefix, base units
 * (seconds, bytes), {@code _total} on counters, {@code _ratio} on a 0-1 gauge, and a
 * {@code loop="..."} label on every per-loop figure. Written by hand: the format is a few lines of
 * text per figure, and the server module takes no dependency for it.
 */
final class Metrics {

    /** What Prometheus asks for, and what it expects back. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    private Metrics() {
    }

    /** The whole exposition for {@code server}, with the demo's per-loop request figures. */
    static String of(HttpServer server, RequestFigures requests) {
        Metrics m = new Metrics();
        List<EventLoop> loops = server.loops();
        List<LoopStats> stats = loops.stream().map(EventLoop::stats).toList();
        m.perLoop("rawloop_loop_utilization_ratio", "gauge", "Share of the last second the loop spent running callbacks, not waiting in select.",
                loops, i -> num(stats.get(i).utilization()));
        m.perLoop("rawloop_loop_busy_seconds_total", "counter", "Time the loop spent outside select (running callbacks).",
                loops, i -> seconds(stats.get(i).busyNanos()));
        m.perLoop("rawloop_loop_idle_seconds_total", "counter", "Time the loop spent waiting in select.",
                loops, i -> seconds(stats.get(i).idleNanos()));
        m.perLoop("rawloop_loop_iterations_total", "counter", "Turns of the loop (returns from select).",
                loops, i -> Long.toString(stats.get(i).iterations()));
        m.perLoop("rawloop_loop_callbacks_total", "counter", "Callbacks run by the loop.",
                loops, i -> Long.toString(stats.get(i).callbacksRun()));
        m.perLoop("rawloop_loop_callback_errors_total", "counter", "Callbacks that threw (logged; the loop went on).",
                loops, i -> Long.toString(stats.get(i).callbackErrors()));
        m.perLoop("rawloop_loop_wakeups_total", "counter", "Times another thread woke the loop's selector.",
                loops, i -> Long.toString(stats.get(i).wakeups()));
        m.perLoop("rawloop_loop_timers_fired_total", "counter", "Timers whose callback ran.",
                loops, i -> Long.toString(stats.get(i).timersFired()));
        m.perLoop("rawloop_loop_timers_pending", "gauge", "Timers scheduled and not yet due.",
                loops, i -> Integer.toString(stats.get(i).pendingTimers()));
        m.perLoop("rawloop_loop_ready_callbacks", "gauge", "Callbacks waiting in the ready queue.",
                loops, i -> Integer.toString(stats.get(i).readyCallbacks()));
        m.perLoop("rawloop_loop_channels", "gauge", "Channels (listeners, connections) registered with the loop's selector.",
                loops, i -> Integer.toString(stats.get(i).registeredChannels()));
        m.perLoop("rawloop_loop_queued_bytes", "gauge", "Bytes written to the loop's connections and not yet taken by the kernel.",
                loops, i -> Long.toString(stats.get(i).queuedBytes()));
        m.help("rawloop_loop_delay_seconds", "histogram",
                "How long a callback that became ready at any moment waited to run, sampled every 10 ms.");
        for (int i = 0; i < loops.size(); i++) {
            DelayHistogram d = stats.get(i).delayTotal();
            long cumulative = 0;
            for (int b = 0; b < DelayHistogram.buckets(); b++) {
                cumulative += d.count(b);
                long bound = DelayHistogram.upperBoundNanos(b);
                m.sample("rawloop_loop_delay_seconds_bucket", loops.get(i).name(),
                        bound == Long.MAX_VALUE ? "+Inf" : seconds(bound), Long.toString(cumulative));
            }
            m.sample("rawloop_loop_delay_seconds_sum", loops.get(i).name(), null, seconds(d.sumNanos()));
            m.sample("rawloop_loop_delay_seconds_count", loops.get(i).name(), null, Long.toString(cumulative));
        }
        m.perLoop("rawloop_http_requests_total", "counter", "Requests handed to the demo's routes.",
                loops, i -> Long.toString(requests.of(loops.get(i).name()).requests));
        m.help("rawloop_http_request_duration_seconds", "histogram", "From a request handed to its handler to its response.");
        for (EventLoop loop : loops) {
            RequestFigures.PerLoop r = requests.of(loop.name());
            long cumulative = 0;
            for (int b = 0; b <= RequestFigures.BOUNDS.length; b++) {
                cumulative += r.buckets[b];
                m.sample("rawloop_http_request_duration_seconds_bucket", loop.name(),
                        b == RequestFigures.BOUNDS.length ? "+Inf" : num(RequestFigures.BOUNDS[b]), Long.toString(cumulative));
            }
            m.sample("rawloop_http_request_duration_seconds_sum", loop.name(), null, seconds(r.durationNanos));
            m.sample("rawloop_http_request_duration_seconds_count", loop.name(), null, Long.toString(cumulative));
        }
        HttpServer.ServerStats s = server.stats();
        m.server("rawloop_http_connections_open", "gauge", "Connections open now.", s.openConnections());
        m.server("rawloop_http_connections_accepted_total", "counter", "Connections accepted since start.", s.acceptedConnections());
        m.server("rawloop_http_responses_total", "counter", "Responses written, rejections included.", s.responses());
        m.server("rawloop_http_rejected_total", "counter", "Requests refused by the parser or a timeout.", s.rejected());
        m.server("rawloop_http_write_stalls_total", "counter", "Connections closed because the client stopped reading.", s.writeStalls());
        m.server("rawloop_http_accept_failures_total", "counter", "Accepts that failed (out of file descriptors).", s.acceptFailures());
        return m.out.toString();
    }

    private interface Value {
        String of(int loop);
    }

    private void perLoop(String name, String type, String help, List<EventLoop> loops, Value value) {
        help(name, type, help);
        for (int i = 0; i < loops.size(); i++) {
            sample(name, loops.get(i).name(), null, value.of(i));
        }
    }

    private void server(String name, String type, String help, long value) {
        help(name, type, help);
        out.append(name).append(' ').append(value).append('\n');
    }

    private void help(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, String loop, String le, String value) {
        out.append(name).append("{loop=\"").append(label(loop)).append('"');
        if (le != null) {
            out.append(",le=\"").append(le).append('"');
        }
        out.append("} ").append(value).append('\n');
    }

    /** A label value, escaped as the format says (backslash, quote, newline). */
    private static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String seconds(long nanos) {
        return num(nanos / 1e9);
    }

    private static String num(double v) {
        return Double.toString(v);   // Go's and Python's float parsers both read "5.0E-4"
    }
}
