package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Threat: a restart. SIGTERM arrives while clients are mid-request (some of them waiting on a
 * 300 ms timer in the handler).
 * Answer: graceful shutdown. Every request the server had before the signal gets its complete
 * response; nothing is ever cut in the middle (a client sees a whole response or no byte of one);
 * the process exits 0 within its 10 s deadline.
 */
@Timeout(120)
@EnabledOnOs(OS.LINUX)
class ShutdownUnderLoadTest {

    private static final List<String> PATHS = List.of("/hello", "/json", "/sleep?ms=300", "/stream?n=3&ms=50");

    /**
     * One request's fate. {@code sentAt} is taken once the request has been written, so a request
     * sent before the signal was in the server's socket before the signal was even sent; {@code
     * answeredAt} once its response has been read (or the attempt failed).
     */
    record Outcome(long sentAt, long answeredAt, String path, int status, int bodyBytes, String failure, boolean partial) {
    }

    @Test
    void sigtermUnderLoadFinishesWhatItHasCutsNothingAndExitsZero() throws Exception {
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong signalAt = new AtomicLong(Long.MAX_VALUE);
        try (ChildServer child = ChildServer.start(List.of());
             ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?>[] running = new Future<?>[16];
            for (int w = 0; w < running.length; w++) {
                int worker = w;
                running[w] = workers.submit(() -> work(child.port, worker, outcomes, signalAt));
            }
            waitFor(() -> outcomes.size() >= 500);
            signalAt.set(System.nanoTime());
            long start = System.nanoTime();
            int exit = child.terminate(Duration.ofSeconds(15));
            double exitSeconds = (System.nanoTime() - start) / 1e9;
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            long before = outcomes.stream().filter(o -> o.sentAt() < signalAt.get() - 50_000_000).count();
            long completeBefore = outcomes.stream().filter(o -> o.sentAt() < signalAt.get() - 50_000_000)
                    .filter(o -> o.status() == 200).count();
            // In flight at the signal, by what happened: sent before it, answered after it.
            long inFlightAtSignal = outcomes.stream().filter(o -> o.path().startsWith("/sleep") && o.status() == 200)
                    .filter(o -> o.sentAt() < signalAt.get() && o.answeredAt() > signalAt.get()).count();
            System.out.printf("SIGTERM under load: %d requests before the signal, all %d answered whole; %d sleeping"
                            + " requests in flight at the signal completed; %d after it (%d answered, the rest refused"
                            + " or closed before any byte); exit %d after %.2f s%n",
                    before, completeBefore, inFlightAtSignal, outcomes.size() - before,
                    outcomes.stream().filter(o -> o.sentAt() >= signalAt.get() - 50_000_000 && o.status() == 200).count(),
                    exit, exitSeconds);
            assertEquals(0, exit, child.output());
            assertEquals(before, completeBefore, "every request the server had before the signal was answered: "
                    + outcomes.stream().filter(o -> o.sentAt() < signalAt.get() - 50_000_000 && o.status() != 200).toList());
            assertTrue(outcomes.stream().noneMatch(Outcome::partial), "a response was cut: "
                    + outcomes.stream().filter(Outcome::partial).toList());
            assertTrue(inFlightAtSignal > 0, "the load had requests in flight at the signal");
        }
    }

    /** A keep-alive client: requests back to back, reconnecting after a clean close, until refused. */
    private static Void work(int port, int worker, ConcurrentLinkedQueue<Outcome> outcomes, AtomicLong signalAt) {
        int n = worker;
        while (true) {
            Socket s;
            try {
                s = new Socket(InetAddress.getLoopbackAddress(), port);
                s.setSoTimeout(30_000);
            } catch (IOException refused) {
                return null;   // the server is gone: this client is done
            }
            try (s) {
                while (true) {
                    String path = PATHS.get(n++ % PATHS.size());
                    Outcome o = exchange(s, path);
                    outcomes.add(o);
                    if (o.status() != 200 || o.failure() != null) {
                        break;   // reconnect (a clean close), or give up if refused
                    }
                }
            } catch (IOException e) {
                // closed: reconnect
            }
            if (System.nanoTime() > signalAt.get() + Duration.ofSeconds(20).toNanos()) {
                return null;
            }
        }
    }

    /** One request; a failure says whether any byte of the response had arrived. */
    private static Outcome exchange(Socket s, String path) {
        CountingInput in;
        long sent;
        try {
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // After the write, not before it: a client thread held up between the two (a busy
            // machine) would otherwise date a request the server could not have had yet.
            sent = System.nanoTime();
            in = new CountingInput(s.getInputStream());
        } catch (IOException e) {
            long now = System.nanoTime();
            return new Outcome(now, now, path, 0, 0, e.toString(), false);
        }
        try {
            String answer = Harness.readResponse(in);
            return new Outcome(sent, System.nanoTime(), path, Integer.parseInt(answer.substring(0, 3)), answer.length() - 4,
                    null, false);
        } catch (IOException | RuntimeException e) {
            return new Outcome(sent, System.nanoTime(), path, 0, 0, e.toString(), in.count > 0);
        }
    }

    /** Counts the bytes read, to tell "no response" from "a response cut short". */
    private static final class CountingInput extends InputStream {
        private final InputStream in;
        long count;

        CountingInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "the load did not get going within 60 s");
            // Poll, not spin: on a small machine a spinning test thread takes the CPU the load needs.
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
    }
}
