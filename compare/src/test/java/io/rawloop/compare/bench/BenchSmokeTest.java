package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.compare.backend.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench} on every back-end, a second each at a low rate: the files are there and well formed. No speed is asserted. */
@Timeout(300)
class BenchSmokeTest {

    private static final Pattern HGRM_ROW = Pattern.compile("\\s*[0-9.]+\\s+[0-9.]+\\s+\\d+\\s+([0-9.]+|Infinity)");

    @Test
    void benchWritesADistributionPerBackendASummaryRowEachAndTheCharts(@TempDir Path out) throws Exception {
        CommandLine cli = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute("--rate", "200", "--connections", "4", "--duration", "1s", "--warmup", "1s",
                "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("[7/7] nio-floor at 200 (about"), "a progress line: " + err);
        String summary = Files.readString(out.resolve("summary.md"));
        for (Backend b : Backend.values()) {
            Path hgrm = out.resolve(b.id() + "-200.hgrm");
            List<String> lines = Files.readAllLines(hgrm);
            assertTrue(lines.get(0).strip().startsWith("Value"), hgrm + ": " + lines.get(0));
            long rows = lines.stream().filter(l -> HGRM_ROW.matcher(l).matches()).count();
            assertTrue(rows > 10, hgrm + " has " + rows + " percentile rows");
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("#[Mean")), hgrm + " has its footer");
            assertTrue(Pattern.compile("(?m)^\\| " + Pattern.quote(b.id()) + " \\| [0-9,]+ \\| ").matcher(summary).find(),
                    "a summary row for " + b.id() + ":\n" + summary);
        }
        assertTrue(summary.contains("| CPU µs/req | alloc B/req | loop-thread B/req |"), summary);
        assertTrue(Pattern.compile("(?m)^\\| threads \\|.* \\| [0-9,.]+ \\| — \\| [0-9]+ \\| [0-9]+ \\|$").matcher(summary).find(),
                "threads has no loop thread:\n" + summary);
        assertTrue(Pattern.compile("(?m)^\\| loop \\|.* \\| [0-9,.]+ \\| [0-9,.]+ \\| [0-9]+ \\| [0-9]+ \\|$").matcher(summary).find(),
                "loop's allocation, all threads and its loop thread:\n" + summary);
        List<String> csv = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(1 + Backend.values().length, csv.size(), "a header and a row per back-end: " + csv);
        assertTrue(csv.get(0).contains(",alloc_b_per_req,loop_thread_b_per_req,"), csv.get(0));
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(3, html.split("<svg", -1).length - 1, "at a fixed rate: latency, CPU per request, allocation per request");
        assertTrue(html.contains("CPU per request") && html.contains("Heap allocated per request") && !html.contains("Throughput"), html);
        assertTrue(html.contains("<polyline") && html.contains("99.9%") && html.contains("<rect"), html);
        assertTrue(!html.contains("<script") && !html.contains("http://cdn"), "viewable offline");
    }

    @Test
    void nioFloorIsSkippedWithANoteOffHello(@TempDir Path out) throws Exception {
        CommandLine cli = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute("--path", "/json", "--backends", "nio-floor,loop", "--rate", "200", "--connections", "2",
                "--duration", "1s", "--warmup", "1s", "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("note: nio-floor skipped: it is no HTTP server"), err.toString());
        assertTrue(err.toString().contains("[1/1] loop at 200"), err.toString());
        assertTrue(Files.exists(out.resolve("loop-200.hgrm")) && !Files.exists(out.resolve("nio-floor-200.hgrm")));
        assertEquals(2, cli.execute("--path", "/json", "--backends", "nio-floor", "--no-pin", "--out", out.toString()),
                "nothing left to measure");
    }
}
