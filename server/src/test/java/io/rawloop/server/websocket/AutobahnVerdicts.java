package io.rawloop.server.websocket;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Autobahn|Testsuite said, case by case, read from its {@code index.json}: each case's
 * {@code behavior} (OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED or FAILED), and the one line a
 * run prints per direction.
 */
record AutobahnVerdicts(Map<String, String> byCase) {

    private static final Pattern CASE = Pattern.compile("\"(\\d+(?:\\.\\d+)*)\": \\{\\s*\"behavior\": \"([A-Z-]+)\"");

    static AutobahnVerdicts read(Path index) throws IOException {
        Map<String, String> byCase = new TreeMap<>();
        for (Matcher m = CASE.matcher(Files.readString(index)); m.find(); ) {
            byCase.put(m.group(1), m.group(2));
        }
        return new AutobahnVerdicts(byCase);
    }

    int count(String behavior) {
        return (int) byCase.values().stream().filter(behavior::equals).count();
    }

    /** The cases whose verdict is FAILED, with nothing else. */
    Map<String, String> failed() {
        Map<String, String> failed = new TreeMap<>(byCase);
        failed.values().removeIf(b -> !b.equals("FAILED"));
        return failed;
    }

    /** {@code autobahn DIRECTION: N cases, OK a, NON-STRICT b, INFORMATIONAL c, UNIMPLEMENTED d, FAILED e}. */
    String line(String direction) {
        return String.format("autobahn %s: %d cases, OK %d, NON-STRICT %d, INFORMATIONAL %d, UNIMPLEMENTED %d, FAILED %d",
                direction, byCase.size(), count("OK"), count("NON-STRICT"), count("INFORMATIONAL"), count("UNIMPLEMENTED"),
                count("FAILED"));
    }

    /** Fails with the line (and the failed cases) when there is no case at all or any FAILED. */
    void check(String direction) {
        if (byCase.isEmpty() || !failed().isEmpty()) {
            throw new IllegalStateException(byCase.isEmpty() ? "no Autobahn case in the report" : line(direction)
                    + "; failed: " + failed().keySet());
        }
    }
}
