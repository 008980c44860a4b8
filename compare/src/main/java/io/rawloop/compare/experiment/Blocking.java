package io.rawloop.compare.experiment;

import io.rawloop.compare.bench.BackendProcess;
import io.rawloop.compare.load.LoadGenerator;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * asyncio's first rule, measured: never block the loop. Steady {@code /hello} load on the loop
 * back-end; alongside it, one {@code /cpu} request every 100 ms (about 20 ms of arithmetic). First
 * without /cpu, then with /cpu computed on the loop (every /hello behind it waits), then with
 * /cpu offloaded to the loop's pool ({@code offload=true}): /hello's tail, each time.
 */
final class Blocking {

    private Blocking() {
    }

    static String run(Duration duration, double rate, long cpuRounds) throws Exception {
        Table t = new Table("/cpu every 100 ms", "/hello req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "/cpu answered");
        try (BackendProcess server = BackendProcess.start("loop", null)) {
            URI hello = URI.create("http://127.0.0.1:" + server.port + "/hello");
            LoadGenerator.run(new LoadGenerator.Plan(hello, 32, rate, Duration.ZERO, Duration.ofSeconds(3), 1));   // warm-up
            String[][] phases = {{"none", null}, {"on the loop", "/cpu?n=" + cpuRounds},
                {"offloaded", "/cpu?n=" + cpuRounds + "&offload=true"}};
            for (String[] phase : phases) {
                AtomicBoolean running = new AtomicBoolean(true);
                AtomicLong answered = new AtomicLong();
                Thread cpu = phase[1] == null ? null : Thread.ofPlatform().start(() -> tick(server.port, phase[1], running, answered));
                LoadGenerator.Result r = LoadGenerator.run(new LoadGenerator.Plan(hello, 32, rate, Duration.ofSeconds(1),
                        duration, 1));
                running.set(false);
                if (cpu != null) {
                    cpu.join();
                }
                Histogram h = r.latencyMicros();
                t.row(phase[0], String.format(Locale.ROOT, "%,.0f", r.achievedRate()), ms(h, 50), ms(h, 99), ms(h, 99.9),
                        String.format(Locale.ROOT, "%.2f", h.getMaxValue() / 1000.0), phase[1] == null ? "-" : answered.get());
            }
        }
        return String.format(Locale.ROOT, "Blocking the loop: /hello at %,.0f req/s for %d s, with /cpu?n=%,d every 100 ms%n%n",
                rate, duration.toSeconds(), cpuRounds) + t;
    }

    /** A /cpu request every 100 ms on one kept-alive connection, on schedule, until told to stop. */
    private static void tick(int port, String target, AtomicBoolean running, AtomicLong answered) {
        byte[] request = ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            InputStream in = s.getInputStream();
            long next = System.nanoTime();
            while (running.get()) {
                s.getOutputStream().write(request);
                byte[] buffer = new byte[512];
                int got = 0;
                while (got == 0 || buffer[got - 1] != '\n') {
                    got += in.read(buffer, got, buffer.length - got);
                }
                answered.incrementAndGet();
                next += 100_000_000;
                LockSupport.parkNanos(Math.max(0, next - System.nanoTime()));   // the schedule: one every 100 ms
            }
        } catch (Exception e) {
            running.set(false);
        }
    }

    private static String ms(Histogram h, double p) {
        return String.format(Locale.ROOT, "%.2f", h.getValueAtPercentile(p) / 1000.0);
    }
}
