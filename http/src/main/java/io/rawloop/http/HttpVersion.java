package io.rawloop.http;

/** The two versions HTTP/1.x parsers accept; anything else is answered with 505. */
public enum HttpVersion {
    /** HTTP/1.0: keep-alive only when asked for. */
    HTTP_1_0("HTTP/1.0"),
    /** HTTP/1.1: keep-alive by default, Host required. */
    HTTP_1_1("HTTP/1.1");

    private final String text;

    HttpVersion(String text) {
        this.text = text;
    }

    /** "HTTP/1.0" or "HTTP/1.1". */
    public String text() {
        return text;
    }
}
