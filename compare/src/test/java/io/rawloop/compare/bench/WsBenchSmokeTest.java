package io.rawloop.compare.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** {@code bench --ws}, a second per back-end at a low rate: the table counts messages, and every message came back. No speed is asserted. */
@Timeout(300)
class WsBenchSmokeTest {

    @Test
    void benchWsWritesTheTableInMessages(@TempDir Path out) throws Exception {
        CommandLine cli = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute("--ws", "--backends", "loop,threads,netty-epoll", "--rate", "200", "--size", "100",
                "--connections", "20", "--duration", "1s", "--warmup", "1s", "--no-pin", "--out", out.toString());
        assertEquals(0, exit, err.toString());
        assertTrue(err.toString().contains("note: threads skipped: it serves no WebSocket"), err.toString());
        assertTrue(err.toString().contains("[2/2] netty-epoll at 200"), err.toString());
        String summary = Files.readString(out.resolve("summary.md"));
        assertTrue(summary.contains("WebSocket binary messages of 100 bytes echoed by /ws/echo"), summary);
        assertTrue(summary.contains("## 200 messages/s"), summary);
        assertTrue(summary.contains("| back-end | achieved messages/s |") && summary.contains("| CPU µs/message | alloc B/message |"),
                summary);
        assertFalse(summary.contains("req"), "no request left in the table:\n" + summary);
        for (String b : List.of("loop", "netty-epoll")) {
            // A row with a rate near 200 (it is a second), no errors: every message was echoed.
            assertTrue(Pattern.compile("(?m)^\\| " + b + " \\| (1[0-9]{2}|2[0-9]{2}) \\|.*\\| 0 \\| [0-9.]+ \\| [0-9.]+ \\|")
                    .matcher(summary).find(), "a row for " + b + " with no errors:\n" + summary);
            assertTrue(Files.readString(out.resolve(b + "-200.hgrm")).contains("#[Mean"), b + "'s distribution");
        }
        assertFalse(Files.exists(out.resolve("threads-200.hgrm")));
        assertTrue(Files.readAllLines(out.resolve("summary.csv")).get(0).startsWith("rate,backend,achieved_mps,"));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("CPU per message") && !html.contains("per request"), html);
    }
}
