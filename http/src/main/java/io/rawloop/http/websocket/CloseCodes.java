package io.rawloop.http.websocket;

/**
 * The close status codes (RFC 6455 §7.4), and which of them may appear in a close frame.
 */
public final class CloseCodes {

    /** The purpose of the connection is fulfilled. */
    public static final int NORMAL = 1000;
    /** The endpoint goes away: a server shutting down, a page navigated away. */
    public static final int GOING_AWAY = 1001;
    /** The peer broke the protocol. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A type of data this endpoint cannot accept (text where only binary is expected, say). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** No status code was present: reported, never sent (§7.4.1). */
    public static final int NO_STATUS = 1005;
    /** The connection closed without a close frame: reported, never sent. */
    public static final int ABNORMAL = 1006;
    /** A text message that is not UTF-8. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message that violates this endpoint's policy. */
    public static final int POLICY_VIOLATION = 1008;
    /** A frame or message too big to process. */
    public static final int TOO_BIG = 1009;
    /** The server met a condition that kept it from fulfilling the request. */
    public static final int INTERNAL_ERROR = 1011;

    private CloseCodes() {
    }

    /**
     * True if {@code code} may be sent in a close frame: the codes RFC 6455 §7.4.1 defines for
     * the wire (1000-1003, 1007-1011), those IANA registered since (1012-1014), and the ranges
     * for libraries and applications (3000-4999). 1004-1006 and 1015 are reserved or only
     * reported; below 1000 and 1016-2999 are unassigned.
     */
    public static boolean isValidOnWire(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }
}
