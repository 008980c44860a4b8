package io.rawloop.client;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpWriter;
import java.nio.ByteBuffer;

/**
 * A request's bytes: the request line, Host, the caller's fields, User-Agent, the body's framing
 * and, for a body given as bytes, the body itself, so that a small request leaves in one write.
 * Shared by the loop's client and the blocking one, so that both send the same bytes.
 */
final class RequestEncoder {

    /** A writer per thread, reused: {@link #encode} fills it and takes the bytes out before returning. */
    private static final ThreadLocal<HttpWriter> WRITERS = ThreadLocal.withInitial(HttpWriter::new);

    private RequestEncoder() {
    }

    static ByteBuffer encode(HttpRequest request, String userAgent) {
        HttpWriter w = WRITERS.get();
        w.reset();   // a request refused half-way (a bad field) leaves nothing behind
        w.requestLine(request.method(), request.target()).field("Host", request.hostField());
        Headers fields = request.headers();
        w.fields(fields);
        if (!fields.contains("User-Agent")) {
            w.field("User-Agent", userAgent);
        }
        byte[] body = request.bodyBytes();
        if (request.source() != null) {
            if (request.sourceLength() >= 0) {
                w.contentLength(request.sourceLength());
            } else {
                w.chunked();
            }
        } else if (body.length > 0 || expectsBody(request.method())) {
            // RFC 9110 §8.6: a request whose method gives content a meaning says how long it is,
            // even when that is zero; otherwise some servers wait for a body (or answer 411).
            w.contentLength(body.length);
        }
        w.endHead();
        w.body(body);
        return w.take();
    }

    private static boolean expectsBody(String method) {
        return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
    }
}
