package io.rawloop.client;

import io.rawloop.http.Headers;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An HTTP request to send: method, URL, header fields and a body (bytes, or a {@link BodySource}
 * streamed with chunked coding). Immutable; build it with {@link #newBuilder(String)} or take
 * {@link #get(String)}.
 *
 * <pre>{@code
 * HttpRequest post = HttpRequest.newBuilder("http://127.0.0.1:8080/echo")
 *         .method("POST").header("Content-Type", "text/plain").body("hello").build();
 * }</pre>
 *
 * The client adds {@code Host}, {@code User-Agent} (unless given), and the body's framing
 * ({@code Content-Length} or {@code Transfer-Encoding: chunked}); giving those two framing fields
 * yourself is refused, because a wrong one desynchronizes the connection (request smuggling).
 */
public final class HttpRequest {

    private final String method;
    private final URI uri;
    private final Headers headers;
    private final byte[] body;
    private final BodySource source;
    private final long sourceLength;

    private HttpRequest(Builder b) {
        this.method = b.method;
        this.uri = b.uri;
        this.headers = Headers.of(b.fields.toArray(String[]::new));
        this.body = b.body;
        this.source = b.source;
        this.sourceLength = b.sourceLength;
    }

    /** A GET of {@code url}. */
    public static HttpRequest get(String url) {
        return newBuilder(url).build();
    }

    /** A builder for a request to {@code url} (http:// or https://; see {@link Builder#uri}). */
    public static Builder newBuilder(String url) {
        return new Builder().uri(url);
    }

    /** The method, upper case as given ({@code GET}). */
    public String method() {
        return method;
    }

    /** The URL. */
    public URI uri() {
        return uri;
    }

    /** The header fields given by the caller (the client adds Host and framing). */
    public Headers headers() {
        return headers;
    }

    /** The body bytes (empty when none, or when the body is streamed). */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyBytes() {
        return body;
    }

    /** The streamed body, or null. */
    BodySource source() {
        return source;
    }

    /** The declared length of a streamed body, or -1 for chunked. */
    long sourceLength() {
        return sourceLength;
    }

    /** A safe method (RFC 9110 §9.2.2) that may be retried once on a fresh connection. */
    boolean idempotent() {
        return source == null && switch (method) {
            case "GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE" -> true;
            default -> false;
        };
    }

    /** The same request to another URL, with another method and no body: a 303 redirect. */
    HttpRequest redirect(URI target, boolean becomesGet, boolean sameOrigin) {
        Builder b = new Builder();
        b.uri = target;
        b.method = becomesGet ? "GET" : method;
        for (int i = 0; i < headers.size(); i++) {
            String name = headers.name(i);
            // Credentials are not sent to another origin (what browsers and curl do).
            if (sameOrigin || !(name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Cookie"))) {
                b.fields.add(name);
                b.fields.add(headers.value(i));
            }
        }
        if (!becomesGet) {
            b.body = body;
            b.source = source;
            b.sourceLength = sourceLength;
        }
        return new HttpRequest(b);
    }

    /**
     * {@code scheme://host:port}, the pool's key: an https connection and an http one to the
     * same host and port are different connections, never shared.
     */
    String hostKey() {
        return (secure() ? "https://" : "http://") + host() + ":" + port();
    }

    /** True for https://: the connection runs TLS. */
    boolean secure() {
        return uri.getScheme().equalsIgnoreCase("https");
    }

    String host() {
        return uri.getHost();
    }

    int port() {
        return uri.getPort() < 0 ? defaultPort(uri) : uri.getPort();
    }

    /** 443 for https, 80 for http (RFC 9110 §4.2). */
    static int defaultPort(URI uri) {
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** What the request line carries: the path and query, origin-form (RFC 9112 §3.2.1). */
    String target() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    /** The Host field: the authority without user info, the port only when it is not the scheme's default. */
    String hostField() {
        return uri.getPort() < 0 || uri.getPort() == defaultPort(uri) ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    }

    @Override
    public String toString() {
        return method + " " + uri;
    }

    /** Builds an {@link HttpRequest}; every setter checks its argument at once. */
    public static final class Builder {
        private String method = "GET";
        private URI uri;
        private final List<String> fields = new ArrayList<>();
        private byte[] body = new byte[0];
        private BodySource source;
        private long sourceLength = -1;

        private Builder() {
        }

        /**
         * The URL: {@code http://host[:port][/path][?query]}, or {@code https://...}, which runs
         * TLS as the client's {@link ClientTls} says.
         */
        public Builder uri(String url) {
            Objects.requireNonNull(url, "url");
            URI parsed;
            try {
                parsed = new URI(url);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + url + " (" + e.getReason() + ")");
            }
            return uri(parsed);
        }

        /** The URL, already parsed; same rules as {@link #uri(String)}. */
        public Builder uri(URI url) {
            this.uri = checkUri(url);
            return this;
        }

        /** The method (a token: GET, POST, PUT, ...). */
        public Builder method(String name) {
            Objects.requireNonNull(name, "method");
            // A token (RFC 9110 §5.6.2): visible ASCII except the delimiters.
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127 && "(),/:;<=>?@[\\]{}\"".indexOf(c) < 0)) {
                throw new IllegalArgumentException("not an HTTP method: '" + name + "'");
            }
            this.method = name;
            return this;
        }

        /** Adds a header field (repeatable); CR, LF and NUL are refused, as are framing fields. */
        public Builder header(String name, String value) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("host")) {
                throw new IllegalArgumentException(name + " is set by the client from the URL and the body");
            }
            Headers.checkField(name, value);
            fields.add(name);
            fields.add(value);
            return this;
        }

        /** The body, sent with Content-Length. */
        public Builder body(byte[] bytes) {
            this.body = bytes.clone();
            this.source = null;
            return this;
        }

        /** The body as UTF-8 text. */
        public Builder body(String text) {
            return body(text.getBytes(StandardCharsets.UTF_8));
        }

        /** A streamed body: chunked, or with Content-Length when {@code length} is not -1. */
        public Builder body(BodySource stream, long length) {
            if (length < -1) {
                throw new IllegalArgumentException("length must be -1 (unknown) or at least 0, not " + length);
            }
            this.source = Objects.requireNonNull(stream, "stream");
            this.sourceLength = length;
            this.body = new byte[0];
            return this;
        }

        /** The request. */
        public HttpRequest build() {
            if (uri == null) {
                throw new IllegalStateException("no URL");
            }
            if (method.equals("TRACE") && (body != null && body.length > 0 || source != null)) {
                throw new IllegalArgumentException("a TRACE request cannot carry content (RFC 9110 §9.3.8)");
            }
            return new HttpRequest(this);
        }
    }

    /** Checks that the client can fetch {@code url}; the message says why not. */
    static URI checkUri(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("only http:// and https:// URLs can be fetched, not " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("no host in " + url);
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("user info in a URL is not supported (send Authorization): " + url);
        }
        return url;
    }
}
