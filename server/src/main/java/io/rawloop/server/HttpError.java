package io.rawloop.server;

/**
 * Thrown by a handler to answer with {@code status} and a short reason in the body, instead of
 * the 500 any other exception gets: {@code throw new HttpError(400, "ms must be a number")}.
 */
public final class HttpError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The status to answer. */
    private final int status;

    /** An answer of {@code status} with {@code reason} as its text. */
    public HttpError(int status, String reason) {
        super(reason, null, false, false);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an HttpError is a 4xx or 5xx, not " + status);
        }
        this.status = status;
    }

    /** The status to answer. */
    public int status() {
        return status;
    }
}
