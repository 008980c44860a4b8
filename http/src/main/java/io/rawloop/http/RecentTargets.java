package io.rawloop.http;

import java.nio.charset.StandardCharsets;

/**
 * The request-targets lately made into Strings by the parsers of one thread, handed out again
 * when the same bytes come: for the first request of a keep-alive connection after it was idle.
 * Its own last target the parser keeps only while the connection is busy, because an idle
 * connection should hold nothing of its last request (the c10k experiment counts those bytes).
 * But a client that waits for each answer before it asks again (a health check, a poll, a load
 * generator at a fixed rate) makes its connection idle between requests, and so made a new
 * String for the same path every time.
 *
 * <p>One table serves every connection of a loop: the loop's thread parses one request at a
 * time, and a String is immutable, so handing the same one to many requests is safe. Not
 * thread-safe: one per thread ({@link #ofThisThread()}), taken on the loop thread when the
 * connection is made there.
 *
 * <p>SIMPLIFICATION: direct-mapped, as a CPU cache is: 64 slots, a target of up to 128 bytes
 * without a query goes into the slot its hash picks and pushes out whatever was there. No
 * bookkeeping per hit, and a bounded size however many different targets the clients send: a
 * client cannot grow it, only make it miss.
 */
public final class RecentTargets {

    private static final int SLOTS = 64;
    /** Longer targets are not kept: paths that long are rarely asked twice, and they would make the table big. */
    static final int MAX_LENGTH = 128;

    private static final ThreadLocal<RecentTargets> OF_THREAD = ThreadLocal.withInitial(RecentTargets::new);

    private final String[] slots = new String[SLOTS];

    RecentTargets() {
    }

    /**
     * The calling thread's table, for the parsers it will run: an event loop's thread, which
     * serves many connections. Not for a thread per connection, where it would be one table
     * per connection.
     */
    public static RecentTargets ofThisThread() {
        return OF_THREAD.get();
    }

    /** The target {@code head[start, end)} as a String (ASCII: the parser has refused the rest), kept or made. */
    String of(byte[] head, int start, int end) {
        int length = end - start;
        if (length > MAX_LENGTH) {
            return new String(head, start, length, StandardCharsets.US_ASCII);
        }
        int hash = length;
        for (int i = start; i < end; i++) {
            if (head[i] == '?') {
                // A query is often the client's own (a token, a cache-buster): not kept after its
                // request, and rarely asked for twice.
                return new String(head, start, length, StandardCharsets.US_ASCII);
            }
            hash = 31 * hash + head[i];
        }
        int slot = (hash ^ hash >>> 16) & (SLOTS - 1);
        String kept = slots[slot];
        if (kept != null && kept.length() == length && StartLine.equals(head, start, kept)) {
            return kept;
        }
        String made = new String(head, start, length, StandardCharsets.US_ASCII);
        slots[slot] = made;
        return made;
    }
}
