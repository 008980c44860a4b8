package io.rawloop.client;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A response read to its end: status, header fields, and the whole body in memory (at most the
 * client's {@link ClientConfig#maxResponseBytes()}). For a body read as it arrives, see
 * {@link HttpClient#stream}.
 */
public final class HttpResponse {

    private final URI uri;
    private final HttpVersion version;
    private final int status;
    private final String reason;
    private final Headers headers;
    private final byte[] body;
    private final Headers trailers;

    HttpResponse(URI uri, HttpVersion version, int status, String reason, Headers headers, byte[] body,
                 Headers trailers) {
        this.uri = uri;
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.headers = headers;
        this.body = body;
        this.trailers = trailers;
    }

    /** The URL this response came from: the request's, or the last redirect's. */
    public URI uri() {
        return uri;
    }

    /** HTTP/1.1 or HTTP/1.0. */
    public HttpVersion version() {
        return version;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The reason phrase, possibly empty (it carries no meaning, RFC 9112 §4). */
    public String reason() {
        return reason;
    }

    /** The header fields, in the order they came. */
    public Headers headers() {
        return headers;
    }

    /** The first value of a header field, or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body (empty for HEAD, 204, 304). */
    public byte[] body() {
        return body.clone();
    }

    /** The body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Trailer fields of a chunked body (usually none). */
    public Headers trailers() {
        return trailers;
    }

    @Override
    public String toString() {
        return status + " " + reason + " (" + body.length + " bytes) from " + uri;
    }
}
