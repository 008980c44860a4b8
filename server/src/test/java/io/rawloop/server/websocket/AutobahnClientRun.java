package io.rawloop.server.websocket;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Autobahn run's client direction ({@code mvn -Pautobahn}, after the server direction): the
 * suite's fuzzing server on a free port of loopback, our client ({@link AutobahnEchoClient}) through
 * all its cases, then one line, {@code autobahn client: N cases, OK a, ...}, with the report in
 * {@code target/autobahn/client/}. Cases 9 (performance), 12 and 13 (permessage-deflate, which our
 * client does not offer) are left out, as for the server. Fails on any FAILED.
 */
public final class AutobahnClientRun {

    private AutobahnClientRun() {
    }

    /**
     * {@code args[0]}: the directory with the suite's jars; {@code args[1]}: where its report goes;
     * {@code args[2]}, optional: the cases, comma-separated, as the suite names them ({@code 5.*,7.1.1}).
     */
    public static void main(String[] args) throws Exception {
        Path jars = Path.of(args[0]).toAbsolutePath();
        Path reports = Path.of(args[1]).toAbsolutePath();
        int port = AutobahnSuite.freePort();
        AutobahnSuite.Run run = AutobahnSuite.fuzzingServer(reports, port,
                List.of(args.length > 2 ? args[2].split(",") : new String[] {"*"}), List.of("9.*", "12.*", "13.*"));
        try (AutobahnSuite suite = AutobahnSuite.start(jars, reports, 1, run)) {
            suite.awaitReady(Duration.ofMinutes(2));
            AutobahnEchoClient.run(port);
        }
        AutobahnVerdicts verdicts = run.verdicts();
        System.out.println(verdicts.line("client"));
        System.out.println("report: " + reports.resolve("index.html"));
        verdicts.check("client");
    }
}
