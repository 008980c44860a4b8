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

/** {@code load --ws}: a second of messages at a rate and closed loop, each echoed; bad input and a refused handshake are named. */
@Timeout(120)
class WsLoadCommandTest {

    private static CommandLinesTest.Run run(String... args) {
        CommandLine cli = new CommandLine(new CompareCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new CommandLinesTest.Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void loadWsPrintsTheDistributionAndASummaryInMessages() throws Exception {
        for (Backend b : new Backend[] {Backend.LOOP, Backend.NETTY_NIO}) {
            try (Backend.Running server = b.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                String url = "ws://127.0.0.1:" + server.port() + "/ws/echo";
                CommandLinesTest.Run r = run("load", "--ws", url, "--rate", "500", "--connections", "5", "--size", "300",
                        "--duration", "1s", "--warmup", "0s");
                assertEquals(0, r.exit(), b.id() + ": " + r.err() + r.out());
                assertTrue(r.out().matches("(?s)\\s*Value\\s+Percentile\\s+TotalCount 1/\\(1-Percentile\\).*"), r.out());
                assertTrue(r.out().matches("(?s).*, 5 connections, pipeline 1: [0-9,]+ 300-byte messages/s \\(target 500\\);"
                        + " latency ms p50 [0-9.]+ .*; errors none\\n"), r.out());
                CommandLinesTest.Run max = run("load", "--ws", url, "--rate", "max", "--connections", "3", "--pipeline", "2",
                        "--duration", "1s", "--warmup", "0s");
                assertEquals(0, max.exit(), b.id() + ": " + max.err() + max.out());
                assertTrue(max.out().contains("64-byte messages/s (closed loop)"), max.out());
            }
        }
    }

    @Test
    void aPathThatDoesNotUpgradeIsNamed() throws Exception {
        try (Backend.Running server = Backend.LOOP.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            CommandLinesTest.Run r = run("load", "--ws", "ws://127.0.0.1:" + server.port() + "/hello", "--rate", "100",
                    "--connections", "2", "--duration", "1s", "--warmup", "0s");
            assertEquals(1, r.exit(), r.err());
            assertTrue(r.out().contains("errors handshake: answered HTTP/1.1 200 OK"), r.out());
        }
    }

    @Test
    void badInputIsNamed() {
        CommandLinesTest.Run scheme = run("load", "--ws", "http://127.0.0.1:1/ws/echo");
        assertEquals(2, scheme.exit());
        assertTrue(scheme.err().contains("not a ws:// URL with a host"), scheme.err());
        CommandLinesTest.Run size = run("load", "--ws", "ws://127.0.0.1:1/ws/echo", "--size", "2000000");
        assertEquals(2, size.exit());
        assertTrue(size.err().contains("--size from 0 to 1048576"), size.err());
    }
}
