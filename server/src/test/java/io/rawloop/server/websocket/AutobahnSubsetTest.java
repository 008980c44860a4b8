package io.rawloop.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rawloop.server.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A part of the Autobahn|Testsuite in every build, both directions at once: its fuzzing client
 * against our server ({@link AutobahnServer}'s echo, in this JVM), and its fuzzing server against
 * our client ({@link AutobahnEchoClient}); the suite runs both in one child JVM ({@link AutobahnSuite}).
 * The whole suite runs under {@code -Pautobahn}.
 *
 * <h2>Which cases, and why these</h2>
 * A few from each section the full run keeps (1-7 and 10), chosen to be robust on a loaded
 * machine. The suite's cases set three kinds of timer: {@code closeAfter(n)} (the suite closes
 * after n seconds whatever happened, so what has not arrived by then is missing), {@code continueLater}
 * (the timing is the test: 5.19's pause between fragments, 6.4's fail-fast on the first invalid byte),
 * and {@code killAfter(n)}, a watchdog that drops a connection still open after n seconds. The
 * subset takes none of the first two kinds (2.1-2.4, 2.6-2.11, 5.3-5.8, 5.19, 5.20, 6.1, 6.2, 6.4)
 * and only cases with the watchdog, which the suite runs ten times as long here
 * ({@code wstest-run.py}): a case that passes ends when its close handshake ends, so the longer
 * watchdog costs nothing, and a correct peer that a busy machine slowed down is not dropped.
 * Cases 9 (performance), 12 and 13 (permessage-deflate, declined) are out, as in the full run.
 */
@Timeout(300)
class AutobahnSubsetTest {

    /** 1: text and binary of many sizes; 2: a ping over 125 bytes; 3: reserved bits; 4: reserved opcodes; 5: fragments
     * with control frames between; 6: invalid and valid UTF-8; 7: the close handshake and its codes; 10: a 64 KiB
     * message our end must reassemble from 1300-byte frames. */
    static final List<String> CASES = List.of("1.1.1", "1.1.2", "1.2.1", "1.2.2", "2.5", "3.1", "3.2", "3.4", "3.7",
            "4.1.1", "4.2.5", "5.1", "5.2", "5.9", "5.15", "6.3.1", "6.3.2", "6.5.1", "6.21.8", "7.1.1", "7.1.6", "7.3.1",
            "7.5.1", "7.7.1", "7.9.1", "7.13.1", "10.1.1");

    private static final double WATCHDOG_SCALE = 10;

    @Test
    void bothDirectionsPassEveryCaseOfTheSubset() throws Exception {
        Path jars = Path.of(System.getProperty("autobahn.jars", "target/autobahn-jars"));
        Path reports = jars.resolveSibling("autobahn-subset");
        int port = AutobahnSuite.freePort();
        try (HttpServer server = AutobahnServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            AutobahnSuite.Run judgesServer = AutobahnSuite.fuzzingClient(reports.resolve("server"),
                    "ws://127.0.0.1:" + server.port(), CASES, List.of());
            AutobahnSuite.Run judgesClient = AutobahnSuite.fuzzingServer(reports.resolve("client"), port, CASES, List.of());
            try (AutobahnSuite suite = AutobahnSuite.start(jars, reports, WATCHDOG_SCALE, judgesServer, judgesClient)) {
                suite.awaitReady(Duration.ofMinutes(3));
                assertEquals(CASES.size(), AutobahnEchoClient.run(port), "the fuzzing server's case count");
                suite.awaitClientDone(Duration.ofMinutes(3));
                assertAllPassed("client", judgesClient.verdicts(), suite.log());
                assertAllPassed("server", judgesServer.verdicts(), suite.log());
            }
        }
    }

    /** Every case of the subset has a verdict, and none is FAILED (NON-STRICT and INFORMATIONAL pass, as in the full run). */
    private static void assertAllPassed(String direction, AutobahnVerdicts verdicts, Path log) {
        Map<String, String> failed = verdicts.failed();
        assertEquals(new TreeSet<>(CASES), new TreeSet<>(verdicts.byCase().keySet()), direction + ": the cases reported; see "
                + log);
        assertEquals(Map.of(), failed, verdicts.line(direction) + "; reports beside " + log);
        System.out.println(verdicts.line(direction) + " (the subset)");
    }
}
