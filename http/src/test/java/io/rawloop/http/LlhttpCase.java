package io.rawloop.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One case of llhttp's Markdown corpus (see src/test/resources/llhttp/README.md): its input bytes
 * and what llhttp made of them, read from its log.
 *
 * @param file     the file, like request/content-length.md
 * @param title    the case's heading
 * @param type     meta.type: request, response, or a lenient variant
 * @param noScan   meta.noScan: llhttp does not re-run it at every split
 * @param input    the bytes to parse
 * @param messages the messages llhttp completed, in order
 * @param error    llhttp's rejection ("code=N reason=..."), or null if it accepted
 */
record LlhttpCase(String file, String title, String type, boolean noScan, byte[] input,
                  List<Message> messages, String error) {

    /** What llhttp reported about one message, from the spans in its log. */
    record Message(String method, String url, String version, int status, List<String> headers, String body,
                   List<String> trailers) {
    }

    private static final Pattern META = Pattern.compile("<!--\\s*meta=(\\{.*})\\s*-->");
    private static final Pattern TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SPAN = Pattern.compile("off=\\d+ len=\\d+ span\\[([a-z_]+)]=\"(.*)\"$");
    /** A span of one CR or LF is logged bare: span[body]=lf. */
    private static final Pattern BARE_SPAN = Pattern.compile("off=\\d+ len=1 span\\[([a-z_]+)]=(cr|lf)$");
    private static final Pattern STATUS = Pattern.compile("headers complete status=(\\d+)");
    private static final Pattern ERROR = Pattern.compile("off=\\d+ error (code=(\\d+) reason=.*)$");

    /** Every case of every file under the corpus's request/ and response/ folders. */
    static List<LlhttpCase> all() {
        try {
            Path root = Path.of(LlhttpCase.class.getResource("/llhttp").toURI());
            List<LlhttpCase> cases = new ArrayList<>();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
                    if (!file.getFileName().toString().equals("README.md")) {
                        cases.addAll(read(root.relativize(file).toString(), Files.readAllLines(file)));
                    }
                }
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<LlhttpCase> read(String file, List<String> lines) {
        List<LlhttpCase> cases = new ArrayList<>();
        String title = null;
        String meta = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("#")) {
                title = line.replaceFirst("^#+\\s*", "");
            }
            Matcher m = META.matcher(line);
            if (m.find()) {
                meta = m.group(1);
            }
            if (line.equals("```http") && meta != null) {
                List<String> http = new ArrayList<>();
                while (!lines.get(++i).equals("```")) {
                    http.add(lines.get(i));
                }
                while (!lines.get(++i).equals("```log")) {
                    // skip to the log
                }
                List<String> log = new ArrayList<>();
                while (!lines.get(++i).equals("```")) {
                    log.add(lines.get(i));
                }
                Matcher type = TYPE.matcher(meta);
                cases.add(fromLog(file, title, type.find() ? type.group(1) : "?", meta.contains("\"noScan\": true"),
                        decodeInput(String.join("\n", http)), log));
                meta = null;
            }
        }
        return cases;
    }

    /** A backslash at the end of a line joins it to the next; every newline is CRLF; then escapes. */
    static byte[] decodeInput(String block) {
        String joined = block.replace("\\\n", "").replace("\n", "\r\n");
        return unescape(joined);
    }

    /**
     * Decodes \r \n \t \f \xHH and octal escapes, in inputs and in the log's spans alike; a
     * backslash before anything else is a byte of the message (a quoted-pair, say).
     */
    static byte[] unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.write(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'f' -> out.write('\f');
                case 'x' -> {
                    out.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int end = i;
                        while (end < s.length() && end < i + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
                            end++;
                        }
                        out.write(Integer.parseInt(s.substring(i, end), 8));
                        i = end - 1;
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static LlhttpCase fromLog(String file, String title, String type, boolean noScan, byte[] input,
                                      List<String> log) {
        List<Message> messages = new ArrayList<>();
        String error = null;
        Builder current = null;
        for (String line : log) {
            Matcher span = SPAN.matcher(line);
            Matcher status = STATUS.matcher(line);
            Matcher err = ERROR.matcher(line);
            Matcher bare = BARE_SPAN.matcher(line);
            if (line.endsWith("message begin")) {
                current = new Builder();
            } else if (bare.find() && current != null) {
                current.span(bare.group(1), bare.group(2).equals("lf") ? "\n" : "\r");
            } else if (span.find() && current != null) {
                current.span(span.group(1), new String(unescape(span.group(2)), StandardCharsets.ISO_8859_1));
            } else if (line.contains("headers complete")) {
                if (current != null) {
                    current.flush();
                    current.headersDone = true;
                    if (status.find()) {
                        current.status = Integer.parseInt(status.group(1));
                    }
                }
            } else if (line.endsWith("message complete") && current != null) {
                messages.add(current.build());
                current = null;
            } else if (err.find()) {
                String code = err.group(2);
                if (code.equals("21")) {
                    continue;   // llhttp's test paused itself from a callback and resumed: not an outcome
                }
                error = code.equals("22") ? null : err.group(1);   // 22: paused on an upgrade, not a rejection
                break;
            }
        }
        return new LlhttpCase(file, title, type, noScan, input, List.copyOf(messages), error);
    }

    private static final class Builder {
        final StringBuilder method = new StringBuilder();
        final StringBuilder url = new StringBuilder();
        final StringBuilder version = new StringBuilder();
        final StringBuilder body = new StringBuilder();
        final List<String> headers = new ArrayList<>();
        final List<String> trailers = new ArrayList<>();
        StringBuilder field;
        StringBuilder value;
        boolean headersDone;
        int status;

        void span(String kind, String text) {
            switch (kind) {
                case "method" -> method.append(text);
                case "url" -> url.append(text);
                case "version" -> version.append(text);
                case "body" -> body.append(text);
                case "header_field" -> {
                    flush();
                    field = new StringBuilder(text);
                }
                case "header_value" -> {
                    if (value == null) {
                        value = new StringBuilder();
                    }
                    value.append(text);
                }
                default -> {
                    // protocol, status text, chunk extensions: not compared
                }
            }
        }

        void flush() {
            if (field != null) {
                String pair = field.toString().toLowerCase(java.util.Locale.ROOT) + ": "
                        + (value == null ? "" : value.toString().strip());
                (headersDone ? trailers : headers).add(pair);
            }
            field = null;
            value = null;
        }

        Message build() {
            flush();
            return new Message(method.toString(), url.toString(), version.toString(), status, List.copyOf(headers),
                    body.toString(), List.copyOf(trailers));
        }
    }

    @Override
    public String toString() {
        return file + " / " + title;
    }
}
