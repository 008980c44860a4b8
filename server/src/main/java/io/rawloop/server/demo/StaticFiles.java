package io.rawloop.server.demo;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.server.Handler;
import io.rawloop.server.Request;
import io.rawloop.server.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * Serves files under a root directory (or, without one, the demo's bundled page) for routes like
 * {@code /static/*}: Content-Type from the extension, an ETag from size and modification time,
 * 304 when If-None-Match matches it (RFC 9110 §13.1.2), and no way out of the root: {@code ..},
 * its percent-encoded forms and symbolic links that point outside all answer 404.
 *
 * <p>The file is found and opened on the offload pool (a cold disk may block), then sent with
 * zero-copy {@code FileChannel.transferTo} (sendfile(2) on Linux): its bytes never pass through
 * the Java heap. The bundled page, small and in the jar, is sent from memory.
 */
public final class StaticFiles implements Handler {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"), Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("ico", "image/x-icon"), Map.entry("pdf", "application/pdf"));
    private static final String BUNDLED = "/io/rawloop/server/demo/static/index.html";

    private final Path root;

    /** Files under {@code root}; null serves the bundled demo page only. */
    public StaticFiles(Path root) throws IOException {
        this.root = root == null ? null : root.toRealPath();
        if (this.root != null && !Files.isDirectory(this.root)) {
            throw new IOException(root + " is not a directory");
        }
    }

    @Override
    public Promise<Response> handle(Request request, EventLoop loop) {
        String relative = decoded(request.pathParameter("*"));
        if (relative == null) {
            return Promise.succeeded(loop, notFound(request));
        }
        if (root == null) {
            return Promise.succeeded(loop, bundled(relative, request));
        }
        // Reading a file may block (a cold disk): never on the loop.
        return loop.offload(() -> file(relative, request));
    }

    /** The path below the root, percent-decoded, or null if it tries to leave the root. */
    static String decoded(String raw) {
        if (raw == null) {
            return null;
        }
        String path;
        try {
            path = URI.create("/" + raw).getPath();   // decodes %2e%2e and friends
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..") || segment.contains("\0") || segment.contains("\\")) {
                return null;
            }
        }
        return path.substring(1);
    }

    private Response file(String relative, Request request) throws IOException {
        Path target = root.resolve(relative.isEmpty() ? "index.html" : relative).normalize();
        if (!target.startsWith(root) || !Files.exists(target)) {
            return notFound(request);
        }
        Path real = target.toRealPath();   // follows links: one pointing out of the root is refused
        if (!real.startsWith(root)) {
            return notFound(request);
        }
        if (Files.isDirectory(real)) {
            real = real.resolve("index.html");
            if (!Files.isRegularFile(real)) {
                return notFound(request);
            }
        }
        String etag = "\"" + Long.toHexString(Files.size(real)) + "-"
                + Long.toHexString(Files.getLastModifiedTime(real).toMillis()) + "\"";
        if (etag.equals(request.headers().get("If-None-Match"))) {
            return Response.of(304).header("ETag", etag);
        }
        FileChannel channel = FileChannel.open(real, StandardOpenOption.READ);
        return Response.file(200, type(real.getFileName().toString()), channel, channel.size()).header("ETag", etag);
    }

    private Response bundled(String relative, Request request) {
        if (!relative.isEmpty() && !relative.equals("index.html")) {
            return notFound(request);
        }
        try (InputStream in = StaticFiles.class.getResourceAsStream(BUNDLED)) {
            byte[] page = in.readAllBytes();
            String etag = "\"bundled-" + Integer.toHexString(java.util.Arrays.hashCode(page)) + "\"";
            if (etag.equals(request.headers().get("If-None-Match"))) {
                return Response.of(304).header("ETag", etag);
            }
            return Response.bytes(200, TYPES.get("html"), page).header("ETag", etag);
        } catch (IOException | NullPointerException e) {
            return notFound(request);
        }
    }

    private static String type(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static Response notFound(Request request) {
        return Response.text(404, "no such file: " + request.path() + "\n");
    }
}
