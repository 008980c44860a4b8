package io.rawloop.http;

/** Character classes of RFC 9110 and RFC 9112, as lookup tables over bytes. */
final class Ascii {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    /** tchar, RFC 9110 §5.6.2: the characters of a method or a field name. */
    private static final boolean[] TOKEN = new boolean[256];
    /** field-vchar, SP and HTAB, RFC 9110 §5.5: what a field value may hold. */
    private static final boolean[] FIELD_VALUE = new boolean[256];
    /** What a request-target may hold: visible ASCII (RFC 9112 §3.2 with RFC 3986), no controls or spaces. */
    private static final boolean[] TARGET = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        for (int c = 0x21; c <= 0x7E; c++) {
            FIELD_VALUE[c] = true;
            TARGET[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VALUE[c] = true;   // obs-text: kept, never interpreted
        }
        FIELD_VALUE[SP] = true;
        FIELD_VALUE[HTAB] = true;
    }

    private Ascii() {
    }

    static boolean isTokenChar(byte b) {
        return TOKEN[b & 0xFF];
    }

    static boolean isFieldValueChar(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    static boolean isTargetChar(byte b) {
        return TARGET[b & 0xFF];
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    /** Compares bytes [start, end) with an ASCII string, ignoring case. */
    static boolean equalsIgnoreCase(byte[] data, int start, int end, String s) {
        if (end - start != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            int a = data[start + i];
            int b = s.charAt(i);
            if (a != b && (a | 0x20) != (b | 0x20)) {
                return false;
            }
            if (a != b && ((a | 0x20) < 'a' || (a | 0x20) > 'z')) {
                return false;   // only letters compare case-insensitively
            }
        }
        return true;
    }

    /** Refuses an empty string or one with a character that is not a tchar. */
    static void checkToken(String s, String what) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7F || !isTokenChar((byte) c)) {
                throw new IllegalArgumentException("invalid character 0x" + Integer.toHexString(c) + " in " + what
                        + " '" + s + "'");
            }
        }
    }

    /**
     * Refuses a character the value of field {@code name} may not hold; CR and LF are named, as
     * they split messages. The message is built only on failure: this runs for every field of
     * every response.
     */
    static void checkFieldValue(String s, String name) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !isFieldValueChar((byte) c)) {
                throw new IllegalArgumentException("invalid character 0x" + Integer.toHexString(c) + " in the value of "
                        + name + (c == '\r' || c == '\n' ? " (CR and LF would split the message)" : ""));
            }
        }
    }
}
