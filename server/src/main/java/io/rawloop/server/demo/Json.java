package io.rawloop.server.demo;

/**
 * Just enough JSON output for the demo's answers: string escaping (RFC 8259 §7). SIMPLIFICATION:
 * the server module stays dependency-free by design, and the demo only ever writes JSON, never
 * reads it, so a JSON library would buy nothing here.
 */
final class Json {

    private Json() {
    }

    /** {@code s} as a JSON string literal, quotes included. */
    static String string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
