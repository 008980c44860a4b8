package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code bench --tls}, a second per back-end at a low rate: the tables are there, say what TLS was
 * agreed, leave nio-floor out with a note; with {@code --new-connection}, the handshake table,
 * whose full handshakes match the answered requests. No speed is asserted.
 */
@Timeout(300)
class BenchTlsSmokeTest {

    private static final Pattern HANDSHAKE_ROW = Pattern.compile(
            "(?m)^\\| (\\S+) \\| 50/s \\| [0-9,]+ \\| ([0-9,]+) \\| ([0-9,]+) \\| 0 \\| [0-9.]+ \\| [0-9.]+ \\|$");

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new BenchCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return cli.execute(args);
    }

    @Test
    void benchOverTlsWritesTheTablesAndLeavesNioFloorOut(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int exit = run(err, "--tls", "--backends", "loop,netty-epoll,nio-floor", "--rate", "200", "--connections", "4",
                "--duration", "1s", "--warmup", "1s", "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("note: nio-floor skipped: it has no TLS"), err.toString());
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("over TLS (the JDK's provider in every back-end") && summary.contains("negotiated: TLSv1.3 TLS_"),
                summary);
        for (String b : new String[] {"loop", "netty-epoll"}) {
            assertTrue(Files.readString(out.resolve(b + "-200.hgrm")).strip().startsWith("Value"), b);
            assertTrue(Pattern.compile("(?m)^\\| " + Pattern.quote(b) + " \\| [0-9,]+ \\| .* \\| 0 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9,.]+ \\|")
                    .matcher(summary).find(), "a row for " + b + " with no errors, its CPU and allocation:\n" + summary);
        }
        assertTrue(!Files.exists(out.resolve("nio-floor-200.hgrm")) && !summary.contains("| nio-floor |"), summary);
        assertTrue(!summary.contains("Full TLS handshakes"), "kept alive: no handshake table");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("CPU per request") && html.contains("over TLS"), html);
    }

    @Test
    void newConnectionsGetAHandshakeTableWithOneFullHandshakePerRequest(@TempDir Path out) throws Exception {
        StringWriter err = new StringWriter();
        int exit = run(err, "--tls", "--new-connection", "--backends", "loop,threads", "--rate", "50", "--connections", "2",
                "--duration", "1s", "--warmup", "1s", "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("a new connection per request (Connection: close), so each request is a full handshake"), summary);
        assertTrue(summary.contains("\n## Full TLS handshakes, a new connection per request\n"), summary);
        Matcher rows = HANDSHAKE_ROW.matcher(summary);
        int found = 0;
        while (rows.find()) {
            found++;
            assertEquals(rows.group(3), rows.group(2), rows.group(1) + ": full handshakes counted, against requests answered");
            assertTrue(!rows.group(3).equals("0"), rows.group(1) + " answered nothing");
        }
        assertEquals(2, found, "a handshake row for loop and threads:\n" + summary);
        assertTrue(Files.readString(out.resolve("report.html")).contains("<h2>Full TLS handshakes</h2>"));
        StringWriter refused = new StringWriter();
        assertEquals(2, run(refused, "--tls", "--new-connection", "--pipeline", "4", "--no-pin", "--out", out.toString()));
        assertTrue(refused.toString().contains("--new-connection sends one request on each connection"), refused.toString());
    }
}
