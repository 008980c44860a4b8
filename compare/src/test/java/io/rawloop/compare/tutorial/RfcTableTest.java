package io.rawloop.compare.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The RFC table cannot drift from the tests. In {@code src/site/markdown/reference-rfc.md}, every
 * row has a unique rule id and names its covering tests as {@code `module:Class#method`}; each
 * such test file exists under {@code module/src/test/java} and declares
 * the method; each {@code vector "name"} is in that test's source. A row that says {@code **bug**}
 * cites a test that is {@code @Disabled}, and only such a row may cite one: when a bug is fixed and
 * its test enabled, the table must say so.
 */
class RfcTableTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path PAGE = ROOT.resolve("src/site/markdown/reference-rfc.md");
    /** The rows the table had when this test was written: it may grow, never shrink unnoticed. */
    private static final int MIN_ROWS = 93;
    private static final Pattern ROW = Pattern.compile("^\\| (\\d{4}-[\\w.]+-[a-z]) \\|(.*)\\|$");
    private static final Pattern REF = Pattern.compile("`(\\w+):(\\w+)#(\\w+)`((?: vector \"[^\"]+\")?)");
    private static final Pattern VECTOR = Pattern.compile(" vector \"([^\"]+)\"");

    @Test
    void everyCoveringTestExistsAndBugsAreTheDisabledOnes() throws IOException {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Map<String, Optional<String>> sources = new HashMap<>();
        int rows = 0;
        for (String line : Files.readAllLines(PAGE)) {
            Matcher row = ROW.matcher(line);
            if (!row.matches()) {
                continue;
            }
            rows++;
            String id = row.group(1);
            if (!ids.add(id)) {
                problems.add(id + ": the rule id is used twice");
            }
            String[] cells = row.group(2).split("(?<!\\\\)\\|", -1);
            if (cells.length != 5) {
                problems.add(id + ": expected 6 columns, found " + (cells.length + 1));
                continue;
            }
            String how = cells[3];
            String tests = cells[4];
            boolean bug = how.contains("**bug**");
            boolean citesDisabled = false;
            Matcher ref = REF.matcher(tests);
            int refs = 0;
            while (ref.find()) {
                refs++;
                String module = ref.group(1);
                String type = ref.group(2);
                String method = ref.group(3);
                Optional<String> source = sources.computeIfAbsent(module + ":" + type, k -> source(module, type));
                if (source.isEmpty()) {
                    problems.add(id + ": no " + module + "/src/test/java/**/" + type + ".java");
                    continue;
                }
                Matcher declared = Pattern.compile("void\\s+" + Pattern.quote(method) + "\\s*\\(").matcher(source.get());
                if (!declared.find()) {
                    problems.add(id + ": " + type + " declares no method " + method);
                    continue;
                }
                if (disabled(source.get(), declared.start())) {
                    citesDisabled = true;
                    if (!bug) {
                        problems.add(id + ": " + type + "#" + method + " is @Disabled, but the row does not say **bug**");
                    }
                }
                Matcher vector = VECTOR.matcher(ref.group(4));
                if (vector.find() && !source.get().contains("\"" + vector.group(1) + "\"")) {
                    problems.add(id + ": " + type + " has no vector \"" + vector.group(1) + "\"");
                }
            }
            if (refs == 0) {
                problems.add(id + ": names no covering test");
            }
            if (bug && !citesDisabled) {
                problems.add(id + ": says **bug** but cites no @Disabled test (fixed? then say how it is met)");
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(rows >= MIN_ROWS, "the table has " + rows + " rows, fewer than " + MIN_ROWS);
    }

    /** The source of {@code module/src/test/java/**}{@code /type.java}, if there is exactly one. */
    private static Optional<String> source(String module, String type) {
        Path tests = ROOT.resolve(module).resolve("src/test/java");
        if (!Files.isDirectory(tests)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(tests)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(type + ".java")).toList();
            return found.size() == 1 ? Optional.of(Files.readString(found.get(0))) : Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True if the annotations between the previous member and the method at {@code at} include @Disabled. */
    private static boolean disabled(String source, int at) {
        int previous = Math.max(source.lastIndexOf('}', at), source.lastIndexOf(';', at));
        return source.substring(previous + 1, at).contains("@Disabled");
    }
}
