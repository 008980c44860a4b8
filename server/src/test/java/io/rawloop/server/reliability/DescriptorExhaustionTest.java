package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.Sockets;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Threat: the process runs out of file descriptors (here the demo server is started under
 * {@code prlimit --nofile=256}, and 400 clients connect). A naive accept loop spins: the listener
 * stays readable, every accept fails at once with EMFILE, a core burns at 100%.
 * Answer: accept failures back off (50 ms doubling to 1 s), so the CPU stays low; the connections
 * the server holds are served all along; once descriptors free up, the waiting clients are served.
 */
@Timeout(180)
@EnabledOnOs(OS.LINUX)
class DescriptorExhaustionTest {

    private static final int FLOOD = 400;
    private static final String HELLO = "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n";

    @Test
    void acceptBacksOffHeldConnectionsAreServedAndNewcomersOnceDescriptorsFree() throws Exception {
        try (ChildServer child = ChildServer.start(List.of("prlimit", "--nofile=256:256"));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Socket> held = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                Socket s = Sockets.open(child.port);
                assertEquals("200 Hello, World!", Harness.exchange(s, HELLO));
                held.add(s);
            }
            acceptFailures(held.get(0));   // loads what /stats needs now: at the limit, loading a class needs a descriptor too
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger served = new AtomicInteger();
            List<Future<String>> flood = new ArrayList<>();
            for (int i = 0; i < FLOOD; i++) {
                flood.add(clients.submit(() -> {
                    try (Socket s = Sockets.open(child.port)) {
                        s.setSoTimeout(120_000);
                        String answer = Harness.exchange(s, HELLO);
                        served.incrementAndGet();
                        release.await();   // hold the descriptor until the test lets go
                        return answer;
                    }
                }));
            }
            Socket probe = held.get(0);
            // Back-offs of 50, 100, 200, 400 and 800 ms; from the sixth failure on, one a second.
            waitFor("accept to fail for want of descriptors, six times", () -> acceptFailures(probe) >= 6, child);
            long failuresBefore = acceptFailures(probe);
            Duration cpuBefore = child.cpu();
            long start = System.nanoTime();
            waitFor("three more accept attempts", () -> acceptFailures(probe) >= failuresBefore + 3, child);
            double seconds = (System.nanoTime() - start) / 1e9;
            long failures = acceptFailures(probe) - failuresBefore;
            double cpuShare = (child.cpu().minus(cpuBefore).toNanos() / 1e9) / seconds;
            int servedWhileExhausted = served.get();
            System.out.printf("descriptor exhaustion: %d of %d flooding clients served at the limit; %d accept"
                            + " failures in %.2f s at the 1 s back-off, the server using %.1f%% of a core%n",
                    servedWhileExhausted, FLOOD, failures, seconds, 100 * cpuShare);
            assertTrue(failures <= seconds + 2, failures + " accept failures in " + seconds + " s: it is not backing off");
            assertTrue(servedWhileExhausted < FLOOD, "the limit was really reached");
            for (Socket s : held) {
                assertEquals("200 Hello, World!", Harness.exchange(s, HELLO), "held connections are served meanwhile");
            }
            release.countDown();   // the served clients close: descriptors free up, the waiting ones are accepted
            for (Future<String> f : flood) {
                assertEquals("200 Hello, World!", f.get(120, TimeUnit.SECONDS));
            }
            for (Socket s : held) {
                s.close();
            }
            assertEquals(0, child.terminate(Duration.ofSeconds(15)));
        }
    }

    private static final Pattern FAILURES = Pattern.compile("\"acceptFailures\":(\\d+)");

    /** The server's accept failures, read from /stats over a connection it already holds. */
    private static long acceptFailures(Socket held) {
        try {
            String stats = Harness.exchange(held, "GET /stats HTTP/1.1\r\nHost: x\r\n\r\n");
            Matcher m = FAILURES.matcher(stats);
            assertTrue(m.find(), stats);
            return Long.parseLong(m.group(1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void waitFor(String what, java.util.function.BooleanSupplier condition, ChildServer child) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 60 s: " + what + "; the server said:\n" + child.output());
            // The server has no way to call us back: poll /stats, gently, so as not to be the CPU we measure.
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
    }
}
