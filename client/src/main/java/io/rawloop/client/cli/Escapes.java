package io.rawloop.client.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** The {@code raw} command's escapes: {@code \r \n \t \0 \\ \xHH} in, the same out. */
final class Escapes {

    private Escapes() {
    }

    /** The bytes {@code text} stands for; a bad escape is an IllegalArgumentException naming it. */
    static byte[] decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 1 == text.length()) {
                throw new IllegalArgumentException("a lone \\ at the end (write \\\\ for a backslash)");
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    if (i + 2 >= text.length()) {
                        throw new IllegalArgumentException("\\x needs two hex digits, at offset " + (i - 1));
                    }
                    int hi = Character.digit(text.charAt(i + 1), 16);
                    int lo = Character.digit(text.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) {
                        throw new IllegalArgumentException("\\x needs two hex digits, not '" + text.substring(i - 1, i + 3)
                                + "' at offset " + (i - 1));
                    }
                    out.write(hi * 16 + lo);
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " at offset " + (i - 1)
                        + " (use \\r \\n \\t \\0 \\\\ \\xHH)");
            }
        }
        return out.toByteArray();
    }

    /** {@code bytes} as printable text: escapes for what is not printable ASCII, and a line break after each \n. */
    static String encode(byte[] bytes, int length) {
        StringBuilder s = new StringBuilder(length + 16);
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xFF;
            switch (b) {
                case '\r' -> s.append("\\r");
                case '\n' -> s.append("\\n\n");
                case '\t' -> s.append("\\t");
                case '\\' -> s.append("\\\\");
                default -> {
                    if (b >= 0x20 && b < 0x7F) {
                        s.append((char) b);
                    } else {
                        s.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        return s.toString();
    }
}
