package io.rawloop.server.demo;

import io.rawloop.loop.Promise;
import io.rawloop.server.Handler;
import io.rawloop.server.Response;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The demo's requests counted per loop, with how long each handler took to answer (from the call
 * to the completed response promise, on the loop's clock): what {@code /events} turns into
 * requests per second and {@code /metrics} into {@code rawloop_http_requests_total} and
 * {@code rawloop_http_request_duration_seconds}. The server counts requests for all loops together;
 * the live page wants them per loop, so the demo counts them around its routes.
 */
final class RequestFigures {

    /** Upper bounds of the duration buckets, in seconds (Prometheus' default ones, and 0.5 ms below). */
    static final double[] BOUNDS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** One loop's figures: written on that loop's thread only, read from any (a little stale). */
    static final class PerLoop {
        volatile long requests;
        final long[] buckets = new long[BOUNDS.length + 1];
        volatile long durationNanos;
        volatile long answered;

        void answered(long nanos) {
            double seconds = nanos / 1e9;
            int i = 0;
            while (i < BOUNDS.length && seconds > BOUNDS[i]) {
                i++;
            }
            buckets[i]++;
            durationNanos += nanos;
            answered++;
        }
    }

    private final Map<String, PerLoop> loops = new ConcurrentHashMap<>();

    /** {@code handler}, counted. */
    Handler counting(Handler handler) {
        return (request, loop) -> {
            PerLoop figures = of(loop.name());
            figures.requests++;   // one writer: this loop's thread
            long start = loop.nanoTime();
            Promise<Response> answer = handler.handle(request, loop);
            if (answer.isDone()) {
                // Answered at once (a Handler.of): counted now. A listener on a settled promise runs
                // on the loop's next turn, one more callback per request, and a turn that the loop
                // must take without waiting (a selectNow, one more system call per read).
                figures.answered(loop.nanoTime() - start);
            } else {
                answer.onComplete((response, failure) -> figures.answered(loop.nanoTime() - start));
            }
            return answer;
        };
    }

    /** The figures of the loop named {@code name} (empty until its first request). */
    PerLoop of(String name) {
        return loops.computeIfAbsent(name, n -> new PerLoop());
    }
}
