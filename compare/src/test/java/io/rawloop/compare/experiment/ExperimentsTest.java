package io.rawloop.compare.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each experiment once, at a tiny size: it runs and prints a Markdown table with a row per case. No speed is asserted. */
@Timeout(300)
class ExperimentsTest {

    private static final Experiments.Settings TINY = new Experiments.Settings(20, 10, 2000, 50,
            List.of("loop", "loop-coroutines", "threads", "virtual-threads", "netty-nio", "netty-epoll"),
            Duration.ofSeconds(1), 500, 1_000_000, false);

    /** The table's data rows (after the header and its separator). */
    private static List<String> rows(String output) {
        List<String> lines = output.lines().filter(l -> l.startsWith("|")).toList();
        assertTrue(lines.size() >= 2 && lines.get(1).matches("\\|(---\\|)+"), "a Markdown table:\n" + output);
        return lines.subList(2, lines.size());
    }

    @Test
    void downloads() throws Exception {
        List<String> rows = rows(Experiments.run("downloads", TINY));
        assertEquals(5, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.endsWith("| 0 |")), "nothing failed: " + rows);
    }

    @Test
    void spawn() throws Exception {
        List<String> rows = rows(Experiments.run("spawn", TINY));
        assertEquals(List.of("coroutine", "virtual thread", "platform thread"),
                rows.stream().map(r -> r.split("\\|")[1].strip()).toList());
    }

    @Test
    void c10k() throws Exception {
        List<String> rows = rows(Experiments.run("c10k", TINY));
        assertEquals(6, rows.size());
        String threads = rows.stream().filter(r -> r.startsWith("| threads |")).findFirst().orElseThrow();
        assertTrue(threads.matches(".*\\| (\\d+) → (\\d+) \\|$"), threads);
    }

    @Test
    void c10kWebSocket() throws Exception {
        Experiments.Settings ws = new Experiments.Settings(20, 10, 2000, 50, TINY.backends(), Duration.ofSeconds(1), 500,
                1_000_000, true);
        String out = Experiments.run("c10k", ws);
        assertTrue(out.startsWith("C10k: 50 idle WebSocket connections per back-end"), out);
        List<String> rows = rows(out);
        assertEquals(List.of("loop", "loop-coroutines", "netty-nio", "netty-epoll"),
                rows.stream().map(r -> r.split("\\|")[1].strip()).toList(), "the back-ends that serve WebSocket, in order");
        assertTrue(rows.stream().allMatch(r -> r.matches("\\| [a-z-]+ \\| 50 \\| -?[0-9,]+ B \\| -?[0-9,]+ B \\| \\d+ → \\d+ \\|")),
                "a figure in every column:\n" + out);
    }

    @Test
    void blocking() throws Exception {
        List<String> rows = rows(Experiments.run("blocking", TINY));
        assertEquals(List.of("none", "on the loop", "offloaded"), rows.stream().map(r -> r.split("\\|")[1].strip()).toList());
    }

    @Test
    void cpu() throws Exception {
        String out = Experiments.run("cpu", TINY);
        assertEquals(3, rows(out).size());
        assertTrue(out.contains("this machine has " + Runtime.getRuntime().availableProcessors() + " cores"), out);
    }

    @Test
    void processes() throws Exception {
        String out = Experiments.run("processes", TINY);
        List<String> rows = rows(out);
        assertEquals(List.of("threads", "threads", "threads", "processes", "processes", "processes", "processes, no work"),
                rows.stream().map(r -> r.split("\\|")[2].strip()).toList());
        assertTrue(rows.get(6).matches("\\| 4 \\| processes, no work \\| [0-9.]+ s \\| – \\| \\d+ ms \\|"), rows.get(6));
    }

    @Test
    void tlsSilent() throws Exception {
        String out = Experiments.run("tls-silent", TINY);
        List<String> rows = rows(out);
        assertEquals(List.of("no flood", "50 silent", "no flood, after", "no flood", "50 silent", "no flood, after"),
                rows.stream().map(r -> r.split("\\|")[2].strip()).toList());
        assertTrue(rows.stream().allMatch(r -> r.split("\\|")[3].strip().matches("[1-9]\\d*")), "every phase made requests: " + out);
        var held = java.util.regex.Pattern.compile("the server held (\\d+) open").matcher(out);
        assertTrue(held.find() && Integer.parseInt(held.group(1)) >= 50, "the flood was there while measured: " + out);
        assertTrue(out.matches("(?s).*p99 with the flood / without \\(the mean of before and after\\): kept-alive [0-9.]+×,"
                + " new connection [0-9.]+×\\n"), out);
    }
}
