package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench --profile}, briefly, on one back-end: a flame graph of its measured window, linked from the report. */
@Timeout(300)
class BenchProfileTest {

    @Test
    void profileWritesAFlameGraphPerRunAndTheReportLinksIt(@TempDir Path out) throws Exception {
        Profiler.Library library = Profiler.extract();
        assumeTrue(library.unavailable() == null, () -> "async-profiler cannot load here: " + library.unavailable());
        CommandLine cli = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute("--profile", "--backends", "loop", "--rate", "500", "--connections", "4", "--duration", "2s",
                "--warmup", "1s", "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("profiled with async-profiler, event="), err.toString());
        Path flame = out.resolve("flame-loop-500.html");
        assertTrue(Files.exists(flame), "a flame graph: " + err);
        String graph = Files.readString(flame);
        assertTrue(graph.length() > 1000 && graph.toLowerCase().contains("<html"), "an HTML flame graph: " + graph);
        // The graph's frame names are stored sorted, each sharing its prefix with the one before: only
        // the first io/rawloop/ frame spells the package out, and which one that is depends on what
        // was sampled (a handler that answers a constant may never be, in 1,000 requests).
        assertTrue(graph.contains("rawloop/"), "with rawloop's own frames in it");
        assertTrue(Files.readString(out.resolve("report.html")).contains("<a href='flame-loop-500.html'>"), "linked from the report");
        assertTrue(Files.readString(out.resolve("summary.md")).contains("profiled with async-profiler"), "the summary says so");
    }
}
