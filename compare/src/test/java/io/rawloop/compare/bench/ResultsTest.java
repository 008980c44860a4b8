package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.compare.load.LoadGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link Results} makes of known runs: the per-request figures, "—" where one does not apply, and charts of what separates the back-ends. */
class ResultsTest {

    private static BenchCommand.Run run(String backend, String rate, long completed, double cpuSeconds, long allocated, long loop) {
        Histogram h = new Histogram(TimeUnit.HOURS.toMicros(1), 3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i);
        }
        return new BenchCommand.Run(backend, rate, new LoadGenerator.Result(h, completed, 10, Map.of()), cpuSeconds, 200 * 1024, 15,
                allocated, loop);
    }

    @Test
    void perRequestFiguresAndTheChartsThatSeparateTheBackends(@TempDir Path out) throws Exception {
        Map<String, List<BenchCommand.Run>> runs = new LinkedHashMap<>();
        runs.put("loop-max", List.of(run("loop", "max", 1_000_000, 2.0, 300_000_000, 250_000_000)));
        runs.put("threads-max", List.of(run("threads", "max", 2_000_000, 2.0, 100_000_000, -1)));
        runs.put("loop-1000", List.of(run("loop", "1000", 10_000, 1.0, 3_000_000, 2_500_000)));
        runs.put("threads-1000", List.of(run("threads", "1000", 10_000, 0.5, 1_000_000, -1)));
        String summary = Results.write(out, runs, List.of("loop", "threads"), List.of("max", "1000"), "setup", 16);

        assertEquals(summary, Files.readString(out.resolve("summary.md")));
        assertTrue(summary.contains("| loop | 100,000 | ") && summary.contains("| 2.00 | 300.0 | 250.0 | 200 | 15 |"), summary);
        assertTrue(summary.contains("| threads | 200,000 | ") && summary.contains("| 1.00 | 50.0 | — | 200 | 15 |"), summary);
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(5, csv.size(), csv.toString());
        assertTrue(csv.get(2).startsWith("max,threads,200000,") && csv.get(2).endsWith(",1.00,50.0,,200,15"), csv.get(2));

        String html = Files.readString(out.resolve("report.html"));
        String closed = html.substring(0, html.indexOf("<h2>1000 requests/s"));
        String fixed = html.substring(html.indexOf("<h2>1000 requests/s"));
        assertTrue(closed.contains("Throughput, closed loop, pipelined 16 deep") && closed.contains("200,000 req/s"), closed);
        assertTrue(closed.contains("CPU per request") && closed.contains("2.00 µs") && closed.contains("Heap allocated per request")
                && closed.contains("300 B"), closed);
        assertTrue(!fixed.contains("Throughput"), "at a fixed rate throughput is the rate, for every back-end: no chart");
        assertTrue(fixed.contains("CPU per request") && fixed.contains("100.00 µs") && fixed.contains("Heap allocated per request"), fixed);
        assertTrue(!html.contains("<script") && !html.matches("(?s).*(src|href)=['\"]https?:.*"), "offline: no script, nothing fetched");
    }

    @Test
    void flameGraphsBesideTheDistributionsAreLinked(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("flame-loop-max.html"), "<!DOCTYPE html>");
        Map<String, List<BenchCommand.Run>> runs = Map.of("loop-max", List.of(run("loop", "max", 1000, 1, 1000, 1000)));
        Results.write(out, runs, List.of("loop"), List.of("max"), "setup", 1);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<a href='flame-loop-max.html'>loop-max</a>"), html);
    }
}
