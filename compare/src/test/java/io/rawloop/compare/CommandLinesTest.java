package io.rawloop.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.compare.backend.Backend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** compare's command lines: bad input gets a message and exit 2; load prints a distribution and a summary. */
@Timeout(120)
class CommandLinesTest {

    record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        CommandLine cli = new CommandLine(new CompareCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void badInputIsNamed() {
        Run serve = run("serve", "fibers");
        assertEquals(2, serve.exit());
        assertTrue(serve.err().contains("no back-end 'fibers'; there are loop, loop-coroutines"), serve.err());
        Run rate = run("load", "http://127.0.0.1:1/", "--rate", "fast");
        assertEquals(2, rate.exit());
        assertTrue(rate.err().contains("--rate must be a number of requests per second, or max; not 'fast'"), rate.err());
        Run url = run("load", "https://example.com/");
        assertEquals(2, url.exit());
        assertTrue(url.err().contains("not a URL to load"), url.err());
        Run duration = run("load", "http://127.0.0.1:1/", "--duration", "soon");
        assertEquals(2, duration.exit());
        assertTrue(duration.err().contains("'soon' is not a duration"), duration.err());
        Run experiment = run("experiment", "gil");
        assertEquals(2, experiment.exit());
        assertTrue(experiment.err().contains("no experiment 'gil'; there are downloads, spawn, c10k, blocking, cpu, processes, tls-silent"), experiment.err());
    }

    @Test
    void loadPrintsTheDistributionAndASummary() throws Exception {
        try (Backend.Running server = Backend.LOOP.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Run r = run("load", "http://127.0.0.1:" + server.port() + "/hello", "--rate", "500", "--connections", "4",
                    "--duration", "1s", "--warmup", "0s");
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().matches("(?s)\\s*Value\\s+Percentile\\s+TotalCount 1/\\(1-Percentile\\).*"), r.out());
            assertTrue(r.out().matches("(?s).*, 4 connections, pipeline 1: [0-9,]+ req/s \\(target 500\\); latency ms p50 "
                    + "[0-9.]+ p90 [0-9.]+ p99 [0-9.]+ p99\\.9 [0-9.]+ max [0-9.]+; errors none\\n"), r.out());
        }
    }
}
