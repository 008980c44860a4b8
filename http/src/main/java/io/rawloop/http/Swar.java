package io.rawloop.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * SIMD within a register: eight bytes read as one {@code long}, tested with a few arithmetic
 * operations instead of eight comparisons. This is where the parsers' speed comes from: most
 * bytes of a head are ordinary, and a word of eight ordinary bytes is skipped in one step.
 *
 * <p>The tests are the classic ones (Hacker's Delight, and Sean Anderson's "bit twiddling
 * hacks"): {@code (x - 0x01..01 * n) & ~x & 0x80..80} is non-zero iff some byte of x is below n
 * (n at most 128). A borrow can flag a byte above a true hit, never below one, so the lowest
 * flagged byte is exact, and callers check bytes one by one from there.
 */
final class Swar {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long DELS = 0x7F7F7F7F7F7F7F7FL;

    private Swar() {
    }

    /** Bytes a[i..i+7] as one little-endian long: byte i is the lowest. */
    static long word(byte[] a, int i) {
        return (long) LONGS.get(a, i);
    }

    /** High bit set in each byte of {@code x} that is below {@code n} (plus, possibly, bytes above such a one). */
    static long below(long x, int n) {
        return (x - ONES * n) & ~x & HIGHS;
    }

    /** The index of the lowest flagged byte of a non-zero mask. */
    static int firstFlagged(long mask) {
        return Long.numberOfTrailingZeros(mask) >>> 3;
    }

    /**
     * The index of the first byte in a[from, to) that is not ordinary in a head: CR, LF, another
     * control character than HTAB, or DEL; {@code to} if there is none.
     */
    static int indexOfSpecial(byte[] a, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long x = word(a, i);
            long flagged = below(x, 0x20) | below(x ^ DELS, 1);   // controls, or DEL (x ^ 0x7F == 0)
            if (flagged != 0) {
                for (int j = i + firstFlagged(flagged); j < i + 8; j++) {
                    if (isSpecial(a[j])) {
                        return j;
                    }
                }
            }
        }
        for (; i < to; i++) {
            if (isSpecial(a[i])) {
                return i;
            }
        }
        return to;
    }

    private static boolean isSpecial(byte b) {
        return (b >= 0 && b < 0x20 && b != Ascii.HTAB) || b == 0x7F;
    }

    /** The index of the first byte of a[from, to) with its high bit set (not ASCII), or {@code to}. */
    static int indexOfNonAscii(byte[] a, int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long high = word(a, i) & HIGHS;
            if (high != 0) {
                return i + firstFlagged(high);
            }
        }
        for (; i < to; i++) {
            if (a[i] < 0) {
                return i;
            }
        }
        return to;
    }
}
