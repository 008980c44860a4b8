package io.rawloop.server.websocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * After the Autobahn run ({@code mvn -Pautobahn}): moves the suite's report (written where Maven
 * was started) to the server module's {@code target/autobahn/}, and prints one line of verdicts,
 * {@code autobahn server: N cases, OK a, NON-STRICT b, INFORMATIONAL c, UNIMPLEMENTED d, FAILED e}.
 * Fails on any FAILED (the plugin already does; this keeps the rule where the line is).
 */
public final class AutobahnReport {

    private static final Pattern CASE = Pattern.compile("\"(\\d+(?:\\.\\d+)*)\": \\{\\s*\"behavior\": \"([A-Z-]+)\"");

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
        String index = Files.readString(to.resolve("index.json"));
        Map<String, Integer> verdicts = new TreeMap<>();
        int cases = 0;
        for (Matcher m = CASE.matcher(index); m.find(); ) {
            cases++;
            verdicts.merge(m.group(2), 1, Integer::sum);
        }
        String line = String.format("autobahn server: %d cases, OK %d, NON-STRICT %d, INFORMATIONAL %d,"
                        + " UNIMPLEMENTED %d, FAILED %d", cases, verdicts.getOrDefault("OK", 0),
                verdicts.getOrDefault("NON-STRICT", 0), verdicts.getOrDefault("INFORMATIONAL", 0),
                verdicts.getOrDefault("UNIMPLEMENTED", 0), verdicts.getOrDefault("FAILED", 0));
        System.out.println(line);
        System.out.println("report: " + to.resolve("index.html"));
        if (cases == 0 || verdicts.getOrDefault("FAILED", 0) > 0) {
            throw new IllegalStateException(cases == 0 ? "no Autobahn case in " + to : line);
        }
    }
}
