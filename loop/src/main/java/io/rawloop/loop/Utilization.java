package io.rawloop.loop;

/**
 * The loop's busy time in the last second, in slots of 100 ms (eleven: the window's oldest one is
 * counted in part, for the share of it that is less than a second old): what
 * {@link LoopStats#utilization()} divides by the time. Node's {@code eventLoopUtilization()}
 * measures the same (time outside the poll against time in it).
 *
 * <p>Busy is everything between a return from select and the next call to it: phases 3 to 5,
 * callbacks above all. Only busy intervals are recorded; idle is the rest of the time. Written by
 * the loop thread; read from any (a reader may see a slot a little stale, never a torn one: the
 * fields are longs on a 64-bit JVM).
 */
final class Utilization {

    static final long SLOT_NANOS = 100_000_000;
    static final long WINDOW_NANOS = 1_000_000_000;
    private static final int SLOTS = 11;

    private final long[] busy = new long[SLOTS];
    /** Which 100 ms of the clock each slot holds (time / SLOT_NANOS); a stale one reads as empty. */
    private final long[] epoch = new long[SLOTS];

    Utilization() {
        java.util.Arrays.fill(epoch, Long.MIN_VALUE);
    }

    /** The loop was busy from {@code from} to {@code to} (loop clock, nanoseconds). */
    void busy(long from, long to) {
        if (to <= from) {
            return;
        }
        long first = Math.max(Math.floorDiv(from, SLOT_NANOS), Math.floorDiv(to, SLOT_NANOS) - (SLOTS - 1));
        for (long e = first; e <= Math.floorDiv(to, SLOT_NANOS); e++) {
            long part = Math.min(to, (e + 1) * SLOT_NANOS) - Math.max(from, e * SLOT_NANOS);
            int slot = Math.floorMod(e, SLOTS);
            if (epoch[slot] != e) {
                epoch[slot] = e;
                busy[slot] = 0;
            }
            busy[slot] += part;
        }
    }

    /**
     * Busy time over the last second (or since {@code since}, if later) as a ratio from 0 to 1.
     *
     * @param busySince the start of a busy interval still under way, or {@link Long#MIN_VALUE}
     */
    double ratio(long now, long since, long busySince) {
        long windowStart = Math.max(since, now - WINDOW_NANOS);
        long covered = now - windowStart;
        if (covered <= 0) {
            return 0;
        }
        long nowEpoch = Math.floorDiv(now, SLOT_NANOS);
        double total = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            long e = epoch[slot];
            if (e <= nowEpoch && e > nowEpoch - SLOTS) {
                long slotStart = e * SLOT_NANOS;
                // The oldest slot starts before the window: only its share inside counts.
                double share = slotStart >= windowStart ? 1
                        : Math.max(0, (double) (slotStart + SLOT_NANOS - windowStart) / SLOT_NANOS);
                total += busy[slot] * share;
            }
        }
        if (busySince != Long.MIN_VALUE) {
            total += Math.max(0, now - Math.max(busySince, windowStart));
        }
        return Math.clamp(total / covered, 0.0, 1.0);
    }
}
