package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.ServerConfig;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threat: time. Leaks that no single request shows (a map that keeps every connection, a timer
 * never cancelled, a thread per something) appear only after hours.
 * Answer, measured: steady mixed load (every endpoint style: fixed, JSON, echoed body, chunked
 * stream, timer) for 10 s in CI, ten minutes with {@code -Drawloop.long=true}: zero errors, heap
 * after GC flat, the same number of open files and threads at the end as at the start.
 *
 * <p>Nothing here depends on how fast the machine is. The load runs in two phases: a warm-up of a
 * fixed number of requests per client, which ends when they are done however long that takes,
 * then the measured phase for the duration, however many requests fit in it. The baseline is
 * taken between the two, the final figures after the second, each once the server has closed
 * every connection (so both are taken in the same state).
 */
@Timeout(900)
class SoakTest {

    private static final int CLIENTS = 16;
    /** Requests per client before the baseline: 20,000 in all, enough for every path to be JIT-compiled. */
    private static final int WARM_UP_PER_CLIENT = 1_250;

    @Test
    void steadyMixedLoadLeavesNoErrorsAndNothingGrowing() throws Exception {
        Duration duration = Harness.longRun() ? Duration.ofMinutes(10) : Duration.ofSeconds(10);
        try (Harness h = new Harness(ServerConfig.DEFAULT, null);
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            // Warm-up: ends when every client has made its requests, or at the first error.
            long warmUp = load(h, clients, errors, WARM_UP_PER_CLIENT, null);
            Snapshot start = Snapshot.take(h);
            // Measured: the duration, however many requests fit in it.
            long measured = load(h, clients, errors, Long.MAX_VALUE, duration);
            Snapshot finish = Snapshot.take(h);
            double rate = measured / (duration.toNanos() / 1e9);
            System.out.printf("soak %d s: %d requests after %d of warm-up (%.0f/s), %d errors; heap after GC %.1f -> %.1f MB;"
                            + " open files %d -> %d; threads %d -> %d%n", duration.toSeconds(), measured, warmUp, rate,
                    errors.size(), start.heap / 1e6, finish.heap / 1e6, start.files, finish.files, start.threads, finish.threads);
            assertTrue(errors.isEmpty(), errors.size() + " errors, e.g. " + errors.peek());
            h.assertNothingLeaks();
            assertTrue(finish.heap - start.heap < 16_000_000, "heap after GC grew " + (finish.heap - start.heap) + " bytes");
            assertTrue(finish.files <= start.files, "open files " + start.files + " -> " + finish.files);
            assertEquals(start.threads, finish.threads, "threads");
        }
    }

    /**
     * One phase of the load: {@link #CLIENTS} clients, each making up to {@code perClient}
     * requests (a phase by count stops early at the first error), or as many as it can until
     * {@code duration} has passed (a phase by time). Returns once every client is done, with the
     * number of requests made.
     */
    private static long load(Harness h, ExecutorService clients, ConcurrentLinkedQueue<String> errors, long perClient,
                             Duration duration) throws Exception {
        AtomicLong requests = new AtomicLong();
        long end = duration == null ? 0 : System.nanoTime() + duration.toNanos();
        BooleanSupplier more = duration == null ? errors::isEmpty : () -> System.nanoTime() - end < 0;
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            int client = c;
            running.add(clients.submit(() -> {
                long made = 0;
                int n = client;
                while (made < perClient && more.getAsBoolean()) {
                    // A new connection every 200 requests: connections come and go as well.
                    try (Socket s = h.connect()) {
                        for (int i = 0; i < 200 && made < perClient && more.getAsBoolean(); i++, n++, made++) {
                            String expected = request(s, n);
                            if (expected != null) {
                                errors.add(expected);
                            }
                            requests.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        return requests.get();
    }

    /** One request of the mix on {@code s}; null if its answer was right, else what was wrong. */
    private static String request(Socket s, int n) throws Exception {
        String answer;
        String expected;
        switch (n % 5) {
            case 0 -> {
                answer = Harness.exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
                expected = "200 Hello, World!";
            }
            case 1 -> {
                answer = Harness.exchange(s, "GET /json HTTP/1.1\r\nHost: x\r\n\r\n");
                expected = "200 {\"message\":\"Hello, World!\"}";
            }
            case 2 -> {
                String body = "body " + n;
                answer = Harness.exchange(s, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body);
                expected = "200 " + body;
            }
            case 3 -> {
                answer = Harness.exchange(s, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
                StringBuilder chunks = new StringBuilder("200 ");
                for (int i = 0; i < 10; i++) {
                    chunks.append("chunk ").append(i).append('\n');
                }
                expected = chunks.toString();
            }
            default -> {
                answer = Harness.exchange(s, "GET /sleep?ms=1 HTTP/1.1\r\nHost: x\r\n\r\n");
                expected = "200 slept";
            }
        }
        return answer.equals(expected) ? null : "expected " + expected + ", got " + answer;
    }

    /** Heap after GC, open files, live threads. */
    private record Snapshot(long heap, int files, int threads) {
        /** Once the server has closed every connection the clients closed: the same state each time. */
        static Snapshot take(Harness h) {
            h.awaitOpen(0);
            h.await("only the listener registered", () -> h.channels() == 1);
            h.sync();   // a channel closed on the loop releases its descriptor at the loop's next select
            h.sync();
            String[] fds = new File("/proc/self/fd").list();
            return new Snapshot(Harness.heapAfterGc(), fds == null ? -1 : fds.length,
                    ManagementFactory.getThreadMXBean().getThreadCount());
        }
    }
}
