package io.rawloop.compare.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public type in the main sources of every module has a Javadoc comment. The build's javadoc
 * runs with doclint's "missing" group off (it would also demand an {@code @param} for every
 * parameter a first sentence already names), so this is where an undocumented public type fails.
 */
class PublicJavadocTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final List<String> MODULES = List.of("loop", "http", "server", "client", "compare");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "\\s*public\\s+(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
                    + "(?:class|interface|enum|record|@interface)\\s+\\w+.*");

    @Test
    void everyPublicTypeHasJavadoc() throws IOException {
        List<String> missing = new ArrayList<>();
        int types = 0;
        for (String module : MODULES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        if (PUBLIC_TYPE.matcher(lines.get(i)).matches()) {
                            types++;
                            if (!documented(lines, i)) {
                                missing.add(ROOT.relativize(file) + ":" + (i + 1));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(types > 50, "found the public types (" + types + ")");
        assertEquals(List.of(), missing, "public types without a Javadoc comment");
    }

    /**
     * Whether a {@code /** ... *}{@code /} comment ends just above {@code declaration}, with only
     * annotations (perhaps over several lines) in between.
     */
    private static boolean documented(List<String> lines, int declaration) {
        String before = String.join("\n", lines.subList(0, declaration));
        int end = before.lastIndexOf("*/");
        if (end < 0) {
            return false;
        }
        String between = before.substring(end + 2).replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"").strip();
        // Annotations may hold array initializers ({"a", "b"}), but never a statement or a body.
        boolean onlyAnnotations = between.isEmpty()
                || between.startsWith("@") && !between.matches("(?s).*(;|\\{\\s*\\n|\\n\\s*\\}).*");
        int open = before.lastIndexOf("/**", end);
        return onlyAnnotations && open >= 0 && before.indexOf("*/", open) == end;
    }
}
