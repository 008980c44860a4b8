package io.rawloop.server.websocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * After the Autobahn run's server direction ({@code mvn -Pautobahn}): moves the suite's report (written where
 * Maven was started) to the server module's {@code target/autobahn/server/}, and prints one line of verdicts,
 * {@code autobahn server: N cases, OK a, NON-STRICT b, INFORMATIONAL c, UNIMPLEMENTED d, FAILED e}.
 * Fails on any FAILED (the plugin already does; this keeps the rule where the line is).
 */
public final class AutobahnReport {

    private AutobahnReport() {
    }

    /** {@code args[0]}: the suite's report directory; {@code args[1]}: where it goes. */
    public static void main(String[] args) throws IOException {
        Path from = Path.of(args[0]).toAbsolutePath();
        Path to = Path.of(args[1]).toAbsolutePath();
        if (!from.equals(to)) {
            if (Files.exists(to)) {
                try (Stream<Path> old = Files.walk(to)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            Files.createDirectories(to.getParent());
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
        AutobahnVerdicts verdicts = AutobahnVerdicts.read(to.resolve("index.json"));
        System.out.println(verdicts.line("server"));
        System.out.println("report: " + to.resolve("index.html"));
        verdicts.check("server");
    }
}
