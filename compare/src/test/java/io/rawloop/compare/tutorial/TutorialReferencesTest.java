package io.rawloop.compare.tutorial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tutorial cannot drift from the code. In {@code src/site/markdown/*.md}:
 * <ul>
 *   <li>{@code <!-- quote: PATH#REGION -->} followed by a fenced code block: PATH exists (from the
 *       repository's root), holds {@code // region REGION} ... {@code // endregion REGION}, and the
 *       block is exactly that region's text (dedented). Run with {@code -Dtutorial.update=true} to
 *       rewrite the blocks from the sources instead.</li>
 *   <li>{@code <!-- explains: io.rawloop.pkg.Class#method -->}: the class exists, and the method if
 *       one is named.</li>
 *   <li>Links to repository files ({@code ](../../../loop/...)}) point at files that exist.</li>
 * </ul>
 */
class TutorialReferencesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CHAPTERS = ROOT.resolve("src/site/markdown");
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: ([^#\\s]+)#([\\w-]+) -->\\n```(\\w*)\\n(.*?)```",
            Pattern.DOTALL);
    private static final Pattern EXPLAINS = Pattern.compile("<!-- explains: ([\\w.]+)(?:#(\\w+))? -->");
    private static final Pattern LINK = Pattern.compile("\\]\\((\\.\\./\\.\\./\\.\\./[^)#\\s]+)");

    @Test
    void everyQuoteClassMethodAndLinkExists() throws Exception {
        boolean update = Boolean.getBoolean("tutorial.update");
        List<String> problems = new ArrayList<>();
        int quotes = 0;
        for (Path chapter : chapters()) {
            String text = Files.readString(chapter);
            StringBuilder updated = new StringBuilder();
            Matcher q = QUOTE.matcher(text);
            int last = 0;
            while (q.find()) {
                quotes++;
                String where = chapter.getFileName() + ": " + q.group(1) + "#" + q.group(2);
                String region;
                try {
                    region = region(ROOT.resolve(q.group(1)), q.group(2));
                } catch (IllegalArgumentException | IOException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                updated.append(text, last, q.start(4)).append(region);
                last = q.end(4);
                if (!update && !region.equals(q.group(4))) {
                    problems.add(where + ": the quoted code differs from the source (run with -Dtutorial.update=true)");
                }
            }
            updated.append(text.substring(last));
            if (update && !updated.toString().equals(text)) {
                Files.writeString(chapter, updated.toString());
            }
            Matcher e = EXPLAINS.matcher(text);
            while (e.find()) {
                String problem = explains(e.group(1), e.group(2));
                if (problem != null) {
                    problems.add(chapter.getFileName() + ": " + problem);
                }
            }
            Matcher l = LINK.matcher(text);
            while (l.find()) {
                Path target = CHAPTERS.resolve(l.group(1)).normalize();
                if (!Files.exists(target)) {
                    problems.add(chapter.getFileName() + ": link to a missing file " + l.group(1));
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(quotes > 0, "the chapters quote the code");
    }

    private static List<Path> chapters() throws IOException {
        try (Stream<Path> files = Files.list(CHAPTERS)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    /** The lines between {@code // region NAME} and {@code // endregion NAME}, dedented, ending in a newline. */
    static String region(Path file, String name) throws IOException {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException("no such file");
        }
        List<String> lines = Files.readAllLines(file);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String t = lines.get(i).strip();
            if (t.equals("// region " + name)) {
                start = i + 1;
            } else if (t.equals("// endregion " + name) && start >= 0) {
                end = i;
                break;
            }
        }
        if (start < 0 || end < 0) {
            throw new IllegalArgumentException("no region " + name);
        }
        List<String> body = lines.subList(start, end);
        int indent = body.stream().filter(s -> !s.isBlank()).mapToInt(s -> s.length() - s.stripLeading().length())
                .min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String s : body) {
            out.append(s.isBlank() ? "" : s.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static String explains(String className, String method) {
        Class<?> type;
        try {
            type = Class.forName(className, false, TutorialReferencesTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return "no class " + className;
        }
        if (method != null && Arrays.stream(type.getDeclaredMethods()).map(Method::getName).noneMatch(method::equals)) {
            return "no method " + className + "#" + method;
        }
        return null;
    }
}
