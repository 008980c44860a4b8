package io.rawloop.server.demo;

import io.rawloop.server.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The demo's own files in the jar (the index page, its script and stylesheet), read once at start. */
final class Resources {

    private Resources() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Resources.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the demo's " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the demo's " + name, e);
        }
    }

    static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A constant answer with the file as its body, revalidated by the browser on each load. */
    static Response response(String name, String contentType) {
        return Response.bytes(200, contentType, bytes(name)).header("Cache-Control", "no-cache");
    }
}
