package io.rawloop.loop;

import java.util.Arrays;

/**
 * A distribution of loop delays in fixed buckets: how late a callback that became ready at any
 * moment started to run (see {@link LoopStats#delay()}). An immutable snapshot; the loop keeps
 * the live counts itself, on its own thread, in {@code DelaySampler}.
 *
 * <p>The buckets are fixed, from 10 µs to 10 s in 1-2.5-5 steps and one above: a small array of
 * counts costs the loop one comparison loop per sample and no allocation, and percentiles read
 * from it are exact to the bucket (within a bucket they are interpolated, and never above the
 * largest sample seen). Prometheus histograms use the same bounds ({@link #upperBoundNanos}).
 */
public final class DelayHistogram {

    /** Upper bounds of the buckets, in nanoseconds; the last bucket has none (+Inf). */
    static final long[] BOUNDS = {
        10_000, 25_000, 50_000, 100_000, 250_000, 500_000,
        1_000_000, 2_500_000, 5_000_000, 10_000_000, 25_000_000, 50_000_000,
        100_000_000, 250_000_000, 500_000_000, 1_000_000_000, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L,
    };
    /** Buckets, the +Inf one included. */
    static final int BUCKETS = BOUNDS.length + 1;

    private final long[] counts;
    private final long sumNanos;
    private final long maxNanos;

    DelayHistogram(long[] counts, long sumNanos, long maxNanos) {
        this.counts = counts.clone();
        this.sumNanos = sumNanos;
        this.maxNanos = maxNanos;
    }

    /** The bucket a delay of {@code nanos} falls in. */
    static int bucketOf(long nanos) {
        int i = 0;
        while (i < BOUNDS.length && nanos > BOUNDS[i]) {
            i++;
        }
        return i;
    }

    /** How many buckets there are, the open-ended last one included. */
    public static int buckets() {
        return BUCKETS;
    }

    /** The upper bound of bucket {@code i} in nanoseconds (inclusive), or {@link Long#MAX_VALUE} for the last. */
    public static long upperBoundNanos(int i) {
        return i < BOUNDS.length ? BOUNDS[i] : Long.MAX_VALUE;
    }

    /** The samples in bucket {@code i} (not cumulative). */
    public long count(int i) {
        return counts[i];
    }

    /** Samples in all. */
    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The samples added up, in nanoseconds. */
    public long sumNanos() {
        return sumNanos;
    }

    /** The largest sample, in nanoseconds; 0 when there is none. */
    public long maxNanos() {
        return maxNanos;
    }

    /**
     * The {@code p}-th percentile (0 to 100) in nanoseconds: the bucket it falls in, interpolated
     * linearly inside it, and never more than {@link #maxNanos()}. 0 when there is no sample.
     */
    public long percentileNanos(double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("a percentile is from 0 to 100, not " + p);
        }
        long total = count();
        if (total == 0) {
            return 0;
        }
        double rank = Math.max(1, Math.ceil(p / 100 * total));   // the rank-th smallest sample
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            if (below + counts[i] >= rank) {
                long lower = i == 0 ? 0 : BOUNDS[i - 1];
                long upper = i < BOUNDS.length ? BOUNDS[i] : maxNanos;
                double inside = (rank - below) / counts[i];
                return Math.min(maxNanos, lower + Math.round((upper - lower) * inside));
            }
            below += counts[i];
        }
        return maxNanos;
    }

    @Override
    public String toString() {
        return "DelayHistogram[count=" + count() + ", p50=" + percentileNanos(50) + "ns, p99=" + percentileNanos(99)
                + "ns, max=" + maxNanos + "ns, counts=" + Arrays.toString(counts) + "]";
    }
}
