package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Threat: slowloris. A thousand connections each send a request head a byte a second, never
 * finishing it, to hold the server's connections forever.
 * Answer: the whole head must arrive within the header timeout (10 s); each slow connection gets
 * 408 and is closed at that deadline, and a normal client is served all along.
 */
@Timeout(120)
class SlowlorisTest {

    private static final int ATTACKERS = 1000;
    private static final byte[] NEVER_ENDING = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void aThousandTricklingHeadsAreCutAtTheHeaderDeadlineAndANormalClientIsServedMeanwhile() throws Exception {
        try (Harness h = new Harness(ServerConfig.DEFAULT); Socket normal = h.connect()) {
            List<Socket> slow = new ArrayList<>();
            try {
                for (int i = 0; i < ATTACKERS; i++) {
                    slow.add(h.connect());
                }
                h.awaitOpen(ATTACKERS + 1);
                long heapBefore = Harness.heapAfterGc();
                long[] latencies = new long[9];
                for (int second = 0; second < 9; second++) {   // one byte a second, each second
                    for (Socket s : slow) {
                        s.getOutputStream().write(NEVER_ENDING[second]);
                    }
                    long start = System.nanoTime();
                    assertEquals("200 Hello, World!", Harness.exchange(normal, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
                    latencies[second] = System.nanoTime() - start;
                    h.advance(Duration.ofSeconds(1));
                    assertEquals(ATTACKERS + 1, h.server.stats().openConnections(), "second " + (second + 1));
                }
                long heapDuring = Harness.heapAfterGc();
                h.advance(Duration.ofSeconds(1));   // 10 s since they connected: the header deadline
                for (Socket s : slow) {
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                    assertTrue(answer.startsWith("HTTP/1.1 408 Request Timeout\r\n"), answer);
                    assertTrue(answer.endsWith("the request head did not arrive within 10000 ms\n"), answer);
                    s.close();   // the attacker hears the end of stream; the server's staged close completes
                }
                h.awaitOpen(1);
                assertEquals("200 Hello, World!", Harness.exchange(normal, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
                long perConnection = (heapDuring - heapBefore) / ATTACKERS;
                Arrays.sort(latencies);
                System.out.printf("slowloris (manual clock): %d attackers, heap after GC %+d bytes per attacker,"
                        + " normal client max %d us%n", ATTACKERS, perConnection, latencies[8] / 1000);
                // What a half-read head may hold is bounded by the header limit, not by the attacker's patience.
                assertTrue(perConnection < ServerConfig.DEFAULT.limits().maxHeaderBytes(),
                        "heap grew " + perConnection + " bytes per slow connection");
            } finally {
                for (Socket s : slow) {
                    s.close();
                }
            }
        }
    }

    /**
     * The figures for the note (-Drawloop.long=true): real time, attackers that reconnect when
     * cut, and a normal client's latency at 200 requests/s, first without the attack, then with it.
     */
    @Test
    @EnabledIfSystemProperty(named = "rawloop.long", matches = "true")
    @Timeout(300)
    void normalLatencyWithAndWithoutTheAttack() throws Exception {
        try (Harness h = new Harness(ServerConfig.DEFAULT, null)) {
            long[] quiet = measure(h, Duration.ofSeconds(20));
            AtomicBoolean attacking = new AtomicBoolean(true);
            AtomicLong cut = new AtomicLong();
            ScheduledExecutorService ticks = Executors.newScheduledThreadPool(2);
            ExecutorService attackers = Executors.newVirtualThreadPerTaskExecutor();
            for (int i = 0; i < ATTACKERS; i++) {
                attackers.execute(() -> {
                    while (attacking.get()) {
                        try (Socket s = h.connect()) {
                            InputStream in = s.getInputStream();
                            for (int b = 0; attacking.get() && in.available() == 0; b = (b + 1) % NEVER_ENDING.length) {
                                s.getOutputStream().write(NEVER_ENDING[b]);
                                TimeUnit.SECONDS.sleep(1);   // the attack's pace, not a wait for an event
                            }
                            cut.incrementAndGet();
                        } catch (IOException | InterruptedException e) {
                            cut.incrementAndGet();
                        }
                    }
                });
            }
            h.await("attackers connected", () -> h.server.stats().openConnections() >= ATTACKERS);
            long heapBefore = Harness.heapAfterGc();
            long[] attacked = measure(h, Duration.ofSeconds(30));
            long heapAfter = Harness.heapAfterGc();
            attacking.set(false);
            attackers.shutdownNow();
            ticks.shutdownNow();
            System.out.printf("slowloris (real time, %d attackers): normal client p50/p99/max %d/%d/%d us without,"
                            + " %d/%d/%d us with; %d slow connections cut; heap after GC %d -> %d MB; open at end %d%n",
                    ATTACKERS, Harness.percentileMicros(quiet, 50), Harness.percentileMicros(quiet, 99),
                    Harness.percentileMicros(quiet, 100), Harness.percentileMicros(attacked, 50),
                    Harness.percentileMicros(attacked, 99), Harness.percentileMicros(attacked, 100), cut.get(),
                    heapBefore >> 20, heapAfter >> 20, h.server.stats().openConnections());
        }
    }

    /** A keep-alive client at 200 requests/s for {@code duration}; latencies in ns, sorted. */
    private static long[] measure(Harness h, Duration duration) throws IOException, InterruptedException {
        List<Long> samples = new ArrayList<>();
        try (Socket s = h.connect()) {
            long end = System.nanoTime() + duration.toNanos();
            long next = System.nanoTime();
            while (next < end) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);   // pacing: the schedule, measured from its intended time
                }
                assertEquals("200 Hello, World!", Harness.exchange(s, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
                samples.add(System.nanoTime() - next);
                next += 5_000_000;
            }
        }
        return samples.stream().mapToLong(Long::longValue).sorted().toArray();
    }
}
