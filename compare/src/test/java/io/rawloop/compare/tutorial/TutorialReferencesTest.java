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
 *   <li>Relative links (to the sources, {@code ](../../../loop/...)}, to other chapters, to the
 *       SVGs beside them) point at files that exist; {@code apidocs/}, which only the built site
 *       has, excepted.</li>
 *   <li>Every chapter names what it explains, quotes code and ends with what to try, and the index
 *       and the README link every chapter.</li>
 * </ul>
 */
class TutorialReferencesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path CHAPTERS = ROOT.resolve("src/site/markdown");
    private static final Pattern QUOTE = Pattern.compile("<!-- quote: ([^#\\s]+)#([\\w-]+) -->\\n```(\\w*)\\n(.*?)```",
            Pattern.DOTALL);
    private static final Pattern EXPLAINS = Pattern.compile("<!-- explains: ([\\w.]+)(?:#(\\w+))? -->");
    /** Relative links and images: to the sources, to other chapters, to the SVGs beside them. */
    private static final Pattern LINK = Pattern.compile("\\]\\((?!https?:|#|mailto:)([^)#\\s]+)");
    /**
     * Links to Markdown files outside the site (compare/RESULTS.md) are written as HTML: the site's
     * renderer turns every {@code ](x.md)} into {@code x.html}, which exists only for chapters.
     */
    private static final Pattern HREF = Pattern.compile("href=\"(?!https?:|#|mailto:)([^\"#]+)\"");

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
            for (String link : links(text)) {
                if (link.startsWith("apidocs/")) {
                    continue;   // the Javadoc exists only in the built site
                }
                if (!Files.exists(CHAPTERS.resolve(link).normalize())) {
                    problems.add(chapter.getFileName() + ": link to a missing file " + link);
                }
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(quotes > 0, "the chapters quote the code");
    }

    @Test
    void everyChapterHasItsPartsAndIsLinked() throws Exception {
        String index = Files.readString(CHAPTERS.resolve("index.md"));
        String readme = Files.readString(ROOT.resolve("README.md"));
        List<String> problems = new ArrayList<>();
        List<Path> numbered = chapters().stream()
                .filter(p -> p.getFileName().toString().matches("\\d\\d-.*")).toList();
        for (Path chapter : numbered) {
            String name = chapter.getFileName().toString();
            String text = Files.readString(chapter);
            if (!EXPLAINS.matcher(text).find()) {
                problems.add(name + ": names no class it explains");
            }
            if (!QUOTE.matcher(text).find()) {
                problems.add(name + ": quotes no code");
            }
            if (!text.contains("\n## What to try\n")) {
                problems.add(name + ": has no 'What to try' section");
            }
            if (!index.contains("](" + name + ")")) {
                problems.add("index.md does not link " + name);
            }
            if (!readme.contains("](src/site/markdown/" + name + ")")) {
                problems.add("README.md does not link " + name);
            }
        }
        assertEquals(List.of(), problems);
        assertTrue(numbered.size() >= 12, "the twelve chapters, from blocking sockets to CPU-bound work");
    }

    /** Every relative link target in {@code text}, Markdown or HTML. */
    private static List<String> links(String text) {
        List<String> links = new ArrayList<>();
        for (Pattern p : List.of(LINK, HREF)) {
            Matcher m = p.matcher(text);
            while (m.find()) {
                links.add(m.group(1));
            }
        }
        return links;
    }

    private static List<Path> chapters() throws IOException {
        try (Stream<Path> files = Files.list(CHAPTERS)) {
            return files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
        }
    }

    /**
     * The lines between {@code // region NAME} and {@code // endregion NAME}, without the markers
     * of regions nested inside, dedented, ending in a newline.
     */
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
        // Regions may nest; the inner markers are not part of the quoted text.
        List<String> body = lines.subList(start, end).stream()
                .filter(s -> !s.strip().matches("// (end)?region .+")).toList();   // names may hold spaces
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
