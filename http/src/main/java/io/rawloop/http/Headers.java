package io.rawloop.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Header (or trailer) fields in the order they arrived, with case-insensitive lookup.
 *
 * <p>Kept as bytes until asked: the parser copies the header section into one array and records
 * where each name and value starts and ends. Nothing is allocated per field unless a caller asks
 * for a String; {@link #contains}, {@link #hasToken} and friends compare bytes in place.
 * Strings are decoded as ISO-8859-1, the octets as they were sent (RFC 9110 §5.5).
 */
public final class Headers {

    /** No fields. */
    public static final Headers EMPTY = new Headers(new byte[0], new int[0], 0);

    private final byte[] data;
    /** Four ints per field: name start, name end, value start, value end (exclusive). */
    private final int[] bounds;
    private final int count;

    Headers(byte[] data, int[] bounds, int count) {
        this.data = data;
        this.bounds = bounds;
        this.count = count;
    }

    /** Fields from alternating names and values: {@code Headers.of("Host", "example.com")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        StringBuilder text = new StringBuilder();
        int n = namesAndValues.length / 2;
        int[] bounds = new int[n * 4];
        for (int i = 0; i < n; i++) {
            String name = Objects.requireNonNull(namesAndValues[2 * i]);
            String value = Objects.requireNonNull(namesAndValues[2 * i + 1]);
            checkField(name, value);
            bounds[4 * i] = text.length();
            text.append(name);
            bounds[4 * i + 1] = text.length();
            bounds[4 * i + 2] = text.length();
            text.append(value);
            bounds[4 * i + 3] = text.length();
        }
        return new Headers(text.toString().getBytes(StandardCharsets.ISO_8859_1), bounds, n);
    }

    /**
     * Refuses a field that could not be sent as it is: a name that is not a token
     * (RFC 9110 §5.1), or a value holding CR, LF, NUL or another control character (§5.5), which
     * could split the message in two.
     *
     * @throws IllegalArgumentException naming the field and the character
     */
    public static void checkField(String name, String value) {
        Ascii.checkToken(name, "header name");
        Ascii.checkFieldValue(value, name);
    }

    /** How many fields. */
    public int size() {
        return count;
    }

    /** The name of field {@code i}, as sent. */
    public String name(int i) {
        return string(bounds[checkIndex(i) * 4], bounds[i * 4 + 1]);
    }

    /** The value of field {@code i}, without surrounding whitespace. */
    public String value(int i) {
        return string(bounds[checkIndex(i) * 4 + 2], bounds[i * 4 + 3]);
    }

    /** The first value of {@code name}, or null. */
    public String get(String name) {
        int i = indexOf(name, 0);
        return i < 0 ? null : value(i);
    }

    /** Every value of {@code name}, in order. */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(2);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    /** True if a field is named {@code name}. */
    public boolean contains(String name) {
        return indexOf(name, 0) >= 0;
    }

    /** How many fields are named {@code name}. */
    public int count(String name) {
        int n = 0;
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * True if any field named {@code name} lists {@code token} among its comma-separated
     * elements, ignoring case and whitespace: {@code hasToken("Connection", "close")}.
     */
    public boolean hasToken(String name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            if (!forEachElement(i, (d, a, b) -> !Ascii.equalsIgnoreCase(d, a, b, token))) {
                return true;
            }
        }
        return false;
    }

    /** Looks at one element of a comma-separated value: bytes [start, end) of {@code data}. */
    interface ElementVisitor {
        /** @return false to stop */
        boolean visit(byte[] data, int start, int end);
    }

    /**
     * Calls {@code visitor} with each non-empty element of field {@code i}'s comma-separated
     * value, whitespace trimmed (RFC 9110 §5.6.1: empty elements are allowed and ignored).
     *
     * @return false if the visitor stopped early
     */
    boolean forEachElement(int i, ElementVisitor visitor) {
        int start = bounds[4 * i + 2];
        int end = bounds[4 * i + 3];
        int from = start;
        for (int p = start; p <= end; p++) {
            if (p == end || data[p] == ',') {
                int a = from;
                int b = p;
                while (a < b && Ascii.isWhitespace(data[a])) {
                    a++;
                }
                while (b > a && Ascii.isWhitespace(data[b - 1])) {
                    b--;
                }
                from = p + 1;
                if (a < b && !visitor.visit(data, a, b)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Index of the first field named {@code name} at or after {@code from}, or -1. */
    public int indexOf(String name, int from) {
        for (int i = Math.max(0, from); i < count; i++) {
            if (Ascii.equalsIgnoreCase(data, bounds[4 * i], bounds[4 * i + 1], name)) {
                return i;
            }
        }
        return -1;
    }

    /** True if field {@code i}'s name is {@code name}, ignoring case; allocates nothing. */
    public boolean nameIs(int i, String name) {
        checkIndex(i);
        return Ascii.equalsIgnoreCase(data, bounds[4 * i], bounds[4 * i + 1], name);
    }

    /** Calls {@code action} with each name and value, in order. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < count; i++) {
            action.accept(name(i), value(i));
        }
    }

    // Package-private views for the parsers: bytes, not Strings.
    int nameLength(int i) {
        return bounds[4 * i + 1] - bounds[4 * i];
    }

    int valueStart(int i) {
        return bounds[4 * i + 2];
    }

    int valueEnd(int i) {
        return bounds[4 * i + 3];
    }

    byte[] bytes() {
        return data;
    }


    private int checkIndex(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("field " + i + " of " + count);
        }
        return i;
    }

    private String string(int start, int end) {
        return new String(data, start, end - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers other) || other.count != count) {
            return false;
        }
        for (int i = 0; i < count; i++) {
            if (!name(i).equalsIgnoreCase(other.name(i)) || !value(i).equals(other.value(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {count, count == 0 ? "" : value(0)});
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Headers[");
        for (int i = 0; i < count; i++) {
            out.append(i == 0 ? "" : ", ").append(name(i)).append(": ").append(value(i));
        }
        return out.append(']').toString();
    }
}
