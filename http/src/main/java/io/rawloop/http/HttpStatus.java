package io.rawloop.http;

/** Status codes in words. */
public final class HttpStatus {

    private HttpStatus() {
    }

    /** The reason phrase of RFC 9110 §15 for {@code status} ("Not Found"), or a generic one for its class. */
    public static String reason(int status) {
        return StatusLines.reason(status);
    }
}
