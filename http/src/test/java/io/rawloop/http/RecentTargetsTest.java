package io.rawloop.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The thread's table of recent targets: the request after an idle spell gets the String its
 * connection had, and whatever the table holds, a target is always the one its bytes spell.
 */
class RecentTargetsTest {

    @Test
    void aRequestAfterIdlenessGetsTheTargetItHadBefore() throws HttpException {
        RequestParser shared = new RequestParser(HttpLimits.DEFAULT, new RecentTargets());
        String first = target(shared, "/hello");
        shared.forgetMessage();   // the connection went idle, and let go of its last target
        assertSame(first, target(shared, "/hello"), "the table's String, not a new one");

        RequestParser alone = new RequestParser(HttpLimits.DEFAULT);
        String before = target(alone, "/hello");
        alone.forgetMessage();
        assertNotSame(before, target(alone, "/hello"), "without a table, idleness forgets it");
    }

    @Test
    void everyTargetIsTheOneItsBytesSpellWhateverTheTableHolds() throws HttpException {
        // Short targets from a small alphabet: many share a slot, and many repeat.
        RecentTargets table = new RecentTargets();
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder t = new StringBuilder("/");
            for (int n = random.nextInt(4); n > 0; n--) {
                t.append("ab/=%".charAt(random.nextInt(5)));
            }
            byte[] head = ("GET " + t + " HTTP/1.1").getBytes(StandardCharsets.US_ASCII);
            assertEquals(t.toString(), table.of(head, 4, 4 + t.length()));
        }
        String longTarget = "/" + "x".repeat(RecentTargets.MAX_LENGTH);
        byte[] head = longTarget.getBytes(StandardCharsets.US_ASCII);
        assertNotSame(table.of(head, 0, head.length), table.of(head, 0, head.length), "a long target is not kept");
        byte[] query = "/search?token=secret".getBytes(StandardCharsets.US_ASCII);
        assertNotSame(table.of(query, 0, query.length), table.of(query, 0, query.length), "nor one with a query");
        byte[] path = "/search".getBytes(StandardCharsets.US_ASCII);
        assertSame(table.of(path, 0, path.length), table.of(path, 0, path.length), "a short path is");
    }

    private static String target(RequestParser parser, String target) throws HttpException {
        ByteBuffer in = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(HttpEvent.HEAD, parser.parse(in));
        String parsed = parser.head().target();
        assertEquals(HttpEvent.COMPLETE, parser.parse(in));
        return parsed;
    }
}
