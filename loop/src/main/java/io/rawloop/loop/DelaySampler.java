package io.rawloop.loop;

/**
 * The loop's delay as a distribution, kept without a timer: Node's {@code monitorEventLoopDelay}
 * samples it with a timer every 10 ms and records how late each fires. Here the same timer is
 * virtual. At every multiple of {@link #RESOLUTION_NANOS} of the loop's clock, imagine a callback
 * becoming ready: if the loop was waiting in select then, it ran at once (a delay of 0); if the
 * loop was busy, it ran when the loop got back to the selector, so its delay is the rest of that
 * busy interval. That is also how long any event (a timer due, a request arriving) that moment
 * waited in the ready queue before its callback ran.
 *
 * <p>So each busy interval {@code [a, b]} adds one sample per grid point in it, {@code b - d}, and
 * each idle interval adds zeros. Most intervals are far shorter than 10 ms and hold no grid point:
 * the cost is two divisions per iteration. A 200 ms block adds 20 samples spread from 0 to 200 ms,
 * weighted by time as Node's are, so a blocked loop shows in the p99 however many quick
 * iterations surround it.
 *
 * <p>Kept twice: since the loop started (for Prometheus' cumulative histogram) and for the last
 * second, in ten slots of 100 ms (for live figures). Loop thread writes, any thread reads.
 */
final class DelaySampler {

    /** The virtual timer's period: Node's default resolution. */
    static final long RESOLUTION_NANOS = 10_000_000;
    /** The last second, in slots of {@link Utilization#SLOT_NANOS}. */
    private static final int SLOTS = 10;

    private final long[] total = new long[DelayHistogram.BUCKETS];
    private long totalSum;
    private long totalMax;
    private final long[][] recent = new long[SLOTS][DelayHistogram.BUCKETS];
    private final long[] recentSum = new long[SLOTS];
    private final long[] recentMax = new long[SLOTS];
    private final long[] epoch = new long[SLOTS];

    DelaySampler() {
        java.util.Arrays.fill(epoch, Long.MIN_VALUE);
    }

    /** The loop was busy from {@code from} to {@code to}: each grid point in it waited until {@code to}. */
    void busy(long from, long to) {
        long first = Math.floorDiv(from, RESOLUTION_NANOS) + 1;
        long last = Math.floorDiv(to, RESOLUTION_NANOS);
        if (last - first < DelayHistogram.BUCKETS) {
            for (long k = first; k <= last; k++) {
                record(to - k * RESOLUTION_NANOS, 1, to);
            }
            return;
        }
        // A long interval (a clock moved by hours in a test, a callback stuck for minutes): its
        // delays are evenly spaced, so count them bucket by bucket instead of one by one.
        long shortest = to - last * RESOLUTION_NANOS;
        long longest = to - first * RESOLUTION_NANOS;
        long lower = -1;
        for (int b = 0; b < DelayHistogram.BUCKETS && lower < longest; b++) {
            long upper = Math.min(longest, DelayHistogram.upperBoundNanos(b));
            long fromIndex = lower < shortest ? 0 : Math.floorDiv(lower - shortest, RESOLUTION_NANOS) + 1;
            long toIndex = upper < shortest ? -1 : Math.floorDiv(upper - shortest, RESOLUTION_NANOS);
            if (toIndex >= fromIndex) {
                long n = toIndex - fromIndex + 1;
                // The bucket's samples: record each of its count at their mean, then fix the max.
                record(shortest + (fromIndex + toIndex) / 2 * RESOLUTION_NANOS, n, to);
            }
            lower = upper;
        }
        totalMax = Math.max(totalMax, longest);
        int s = Math.floorMod(Math.floorDiv(to, Utilization.SLOT_NANOS), SLOTS);
        recentMax[s] = Math.max(recentMax[s], longest);
    }

    /** The loop waited in select from {@code from} to {@code to}: each grid point in it ran at once. */
    void idle(long from, long to) {
        long first = Math.floorDiv(from, RESOLUTION_NANOS) + 1;
        long last = Math.floorDiv(to, RESOLUTION_NANOS);
        if (last < first) {
            return;
        }
        total[0] += last - first + 1;
        // Only the last second's share goes to the recent slots, each to the slot it fell in.
        long since = Math.max(first, last - Utilization.WINDOW_NANOS / RESOLUTION_NANOS);
        for (long k = since; k <= last; ) {
            long slotEnd = (Math.floorDiv(k * RESOLUTION_NANOS, Utilization.SLOT_NANOS) + 1) * Utilization.SLOT_NANOS;
            long upTo = Math.min(last, (slotEnd - 1) / RESOLUTION_NANOS);
            recentSlot(k * RESOLUTION_NANOS)[0] += upTo - k + 1;
            k = upTo + 1;
        }
    }

    private void record(long delay, long samples, long at) {
        int bucket = DelayHistogram.bucketOf(delay);
        total[bucket] += samples;
        totalSum = plus(totalSum, delay, samples);
        totalMax = Math.max(totalMax, delay);
        long[] slot = recentSlot(at);
        slot[bucket] += samples;
        int s = Math.floorMod(Math.floorDiv(at, Utilization.SLOT_NANOS), SLOTS);
        recentSum[s] = plus(recentSum[s], delay, samples);
        recentMax[s] = Math.max(recentMax[s], delay);
    }

    /** {@code sum + delay × samples}, stopping at Long.MAX_VALUE rather than wrapping around. */
    private static long plus(long sum, long delay, long samples) {
        try {
            return Math.addExact(sum, Math.multiplyExact(delay, samples));
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /** The counts of the 100 ms slot holding {@code at}, emptied first if it held an older one. */
    private long[] recentSlot(long at) {
        long e = Math.floorDiv(at, Utilization.SLOT_NANOS);
        int s = Math.floorMod(e, SLOTS);
        if (epoch[s] != e) {
            epoch[s] = e;
            java.util.Arrays.fill(recent[s], 0);
            recentSum[s] = 0;
            recentMax[s] = 0;
        }
        return recent[s];
    }

    /** Every sample since the loop started. */
    DelayHistogram total() {
        return new DelayHistogram(total, totalSum, totalMax);
    }

    /**
     * The samples of the last second, with those of a busy interval still under way (from
     * {@code busySince}, or {@link Long#MIN_VALUE}) or an idle one (from {@code idleSince}).
     */
    DelayHistogram lastSecond(long now, long busySince, long idleSince) {
        long nowEpoch = Math.floorDiv(now, Utilization.SLOT_NANOS);
        long[] counts = new long[DelayHistogram.BUCKETS];
        long sum = 0;
        long max = 0;
        for (int s = 0; s < SLOTS; s++) {
            if (epoch[s] <= nowEpoch && epoch[s] > nowEpoch - SLOTS) {
                for (int b = 0; b < counts.length; b++) {
                    counts[b] += recent[s][b];
                }
                sum += recentSum[s];
                max = Math.max(max, recentMax[s]);
            }
        }
        long windowStart = (nowEpoch - (SLOTS - 1)) * Utilization.SLOT_NANOS;
        if (busySince != Long.MIN_VALUE) {
            // The interval under way: its grid points have waited until now, so far.
            long first = Math.floorDiv(Math.max(busySince, windowStart - 1), RESOLUTION_NANOS) + 1;
            for (long k = first; k <= Math.floorDiv(now, RESOLUTION_NANOS); k++) {
                long delay = now - k * RESOLUTION_NANOS;
                counts[DelayHistogram.bucketOf(delay)]++;
                sum += delay;
                max = Math.max(max, delay);
            }
        } else if (idleSince != Long.MIN_VALUE) {
            long first = Math.floorDiv(Math.max(idleSince, windowStart - 1), RESOLUTION_NANOS) + 1;
            counts[0] += Math.max(0, Math.floorDiv(now, RESOLUTION_NANOS) - first + 1);
        }
        return new DelayHistogram(counts, sum, max);
    }
}
