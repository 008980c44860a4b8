package io.rawloop.http;

/**
 * A message the parser refuses: the status a server should answer, a reason a person can read,
 * and where in the input the problem was found.
 */
public final class HttpException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The status to answer. */
    private final int status;
    /** What was wrong, for the client. */
    private final String reason;
    /** Where in the message, in bytes from its start. */
    private final long offset;

    /** A rejection with the status to answer (400, 413, 414, 431, 501, 505) and its reason. */
    public HttpException(int status, String reason, long offset) {
        super(status + " " + reason + " (at byte " + offset + ")", null, false, false);
        this.status = status;
        this.reason = reason;
        this.offset = offset;
    }

    /** The HTTP status a server answers with. */
    public int status() {
        return status;
    }

    /** What is wrong, in words, without the status or offset. */
    public String reason() {
        return reason;
    }

    /** The byte, counted from the start of the message, where the problem was found. */
    public long offset() {
        return offset;
    }
}
