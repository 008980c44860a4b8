package io.rawloop.server;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.RequestHead;
import io.rawloop.loop.EventLoop;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A request as a handler sees it: the parsed head, the whole body, the path split from its
 * query, and the parameters the router matched.
 */
public final class Request {

    private final RequestHead head;
    private final byte[] body;
    private final SocketAddress remote;
    private final EventLoop loop;
    private final String path;
    private final String query;
    private Map<String, String> pathParameters = Map.of();

    Request(RequestHead head, byte[] body, SocketAddress remote, EventLoop loop) {
        this.head = head;
        this.body = body;
        this.remote = remote;
        this.loop = loop;
        String target = originForm(head.target());
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.query = q < 0 ? "" : target.substring(q + 1);
    }

    /**
     * The path and query of an absolute-form target ({@code http://host/path?q}), which a server
     * MUST accept (RFC 9112 §3.2.2) and routes as it would the origin form; other forms as sent.
     */
    static String originForm(String target) {
        int scheme = target.regionMatches(true, 0, "http://", 0, 7) ? 7
                : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (scheme < 0) {
            return target;
        }
        for (int i = scheme; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/') {
                return target.substring(i);
            }
            if (c == '?') {
                return "/" + target.substring(i);   // an empty path is "/" (RFC 9112 §3.2.1)
            }
        }
        return "/";
    }

    /** The method, as sent. */
    public String method() {
        return head.method();
    }

    /** The request-target, as sent. */
    public String target() {
        return head.target();
    }

    /** The path part of the target (before any '?'), still percent-encoded. */
    public String path() {
        return path;
    }

    /** The query part of the target (after '?'), or "". */
    public String query() {
        return query;
    }

    /** The first value of query parameter {@code name}, decoded, or null. */
    public String queryParameter(String name) {
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(key).equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s;   // a malformed escape stays as it was
        }
    }

    /** A parameter the router matched, like {@code id} in {@code /items/{id}}, or null. */
    public String pathParameter(String name) {
        return pathParameters.get(name);
    }

    void pathParameters(Map<String, String> parameters) {
        this.pathParameters = parameters;
    }

    /** HTTP/1.0 or HTTP/1.1. */
    public HttpVersion version() {
        return head.version();
    }

    /** The header fields, in order. */
    public Headers headers() {
        return head.headers();
    }

    /** The whole body (empty if there was none). */
    public byte[] body() {
        return body;
    }

    /** The body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Who sent it. */
    public SocketAddress remoteAddress() {
        return remote;
    }

    /** The loop the request is handled on: for timers and {@link EventLoop#offload} in a handler. */
    public EventLoop loop() {
        return loop;
    }

    /** The parsed head, for what the accessors above do not cover. */
    public RequestHead head() {
        return head;
    }

    @Override
    public String toString() {
        return head.method() + " " + head.target() + " " + head.version().text();
    }
}
