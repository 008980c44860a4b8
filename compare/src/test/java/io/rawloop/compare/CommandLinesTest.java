package io.rawloop.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.compare.backend.Backend;
import io.rawloop.compare.backend.BenchCertificate;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
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
        Run url = run("load", "ftp://example.com/");
        assertEquals(2, url.exit());
        assertTrue(url.err().contains("not a URL to load"), url.err());
        Run duration = run("load", "http://127.0.0.1:1/", "--duration", "soon");
        assertEquals(2, duration.exit());
        assertTrue(duration.err().contains("'soon' is not a duration"), duration.err());
        Run onePerConnection = run("load", "https://127.0.0.1:1/", "--new-connection", "--pipeline", "4");
        assertEquals(2, onePerConnection.exit());
        assertTrue(onePerConnection.err().contains("--new-connection sends one request on each connection"), onePerConnection.err());
        Run noCa = run("load", "https://127.0.0.1:1/", "--cacert", "/nonexistent/ca.pem");
        assertEquals(2, noCa.exit());
        assertTrue(noCa.err().contains("--cacert: cannot read /nonexistent/ca.pem"), noCa.err());
        Run floor = run("serve", "nio-floor", "--tls");
        assertEquals(2, floor.exit());
        assertTrue(floor.err().contains("nio-floor does not serve TLS"), floor.err());
        Run experiment = run("experiment", "gil");
        assertEquals(2, experiment.exit());
        assertTrue(experiment.err().contains("no experiment 'gil'; there are downloads, spawn, c10k, blocking, cpu, processes, tls-silent"), experiment.err());
    }

    @Test
    void loadOverTlsTrustsTheCaFileAndCountsItsHandshakes(@TempDir Path dir) throws Exception {
        BenchCertificate certificate = BenchCertificate.make(dir);
        try (Backend.Running server = Backend.NETTY_NIO.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                certificate)) {
            Run r = run("load", "https://127.0.0.1:" + server.port() + "/hello", "--cacert", certificate.certificate().toString(),
                    "--rate", "100", "--connections", "2", "--duration", "1s", "--warmup", "1s", "--new-connection");
            assertEquals(0, r.exit(), r.err() + r.out());
            assertTrue(r.out().contains("2 connections, pipeline 1: "), r.out());
            assertTrue(r.out().matches("(?s).*; errors none\\nTLS: [0-9,]+ full handshakes \\(warm-up included\\), negotiated TLSv1\\.3 TLS_\\w+\\n"),
                    r.out());
            Run untrusted = run("load", "https://127.0.0.1:" + server.port() + "/hello", "--rate", "20", "--connections", "1",
                    "--duration", "1s", "--warmup", "0s");
            assertEquals(1, untrusted.exit(), "the JDK's trust store does not know the bench's certificate");
            assertTrue(untrusted.out().contains("errors tls: "), untrusted.out());
        }
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
