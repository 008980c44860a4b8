package io.rawloop.compare.backend;

/** The CPU-bound work of {@code /cpu} and of the {@code cpu} experiment: the same arithmetic everywhere. */
public final class Work {

    private Work() {
    }

    /**
     * {@code n} rounds of a 64-bit mixing function (SplitMix64's finalizer), about a nanosecond
     * each; the result depends on every round, so no JIT can skip them.
     */
    public static long cpu(long n) {
        long x = n;
        for (long i = 0; i < n; i++) {
            x += 0x9E3779B97F4A7C15L;
            long z = x;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            x = z ^ (z >>> 31);
        }
        return x;
    }
}
