package io.rawloop.compare.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bench --ws}: the same tables and charts as the HTTP bench, counted per echoed message
 * instead of per response. {@link Results} writes them in requests; this renames the unit in
 * what it wrote, so that one writer serves both loads.
 */
final class MessageUnits {

    /** Each pair: the HTTP bench's words, then the WebSocket one's; the longer ones first ("requests/s" before "req/s"). */
    private static final String[][] RENAMES = {
        {"µs/request", "µs/message"}, {"requests/s", "messages/s"}, {"per request", "per message"},
        {"per response", "per echoed message"}, {"µs/req", "µs/message"}, {"B/req", "B/message"}, {"req/s", "messages/s"},
        {"_per_req", "_per_message"}, {"achieved_rps", "achieved_mps"},
    };

    private MessageUnits() {
    }

    /** Renames the unit in {@code out}'s summary.md, summary.csv and report.html; returns {@code summary} renamed. */
    static String rename(Path out, String summary) throws IOException {
        for (String file : new String[] {"summary.md", "summary.csv", "report.html"}) {
            Path p = out.resolve(file);
            Files.writeString(p, renamed(Files.readString(p)));
        }
        return renamed(summary);
    }

    static String renamed(String text) {
        for (String[] pair : RENAMES) {
            text = text.replace(pair[0], pair[1]);
        }
        return text;
    }
}
