package io.rawloop.client.cli;

/**
 * One URL's outcome in {@code fetch}: a status and a body, or the error that stopped it.
 *
 * @param url    the URL
 * @param status the status code, or 0 when there was no response
 * @param bytes  body bytes received
 * @param body   the body itself (kept only when asked: tests compare the modes' bytes)
 * @param nanos  from the start of this URL's request to its end
 * @param error  why there is no response, or null
 */
public record Fetched(String url, int status, long bytes, byte[] body, long nanos, String error) {

    /** A complete response with a status below 400. */
    public boolean succeeded() {
        return error == null && status < 400;
    }

    /** The line {@code fetch} prints: {@code 200 13 bytes 4 ms http://...}. */
    public String line() {
        long ms = nanos / 1_000_000;
        return error == null ? status + " " + bytes + " bytes " + ms + " ms " + url
                : "ERROR " + ms + " ms " + url + ": " + error;
    }
}
