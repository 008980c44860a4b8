package io.rawloop.server;

import io.rawloop.loop.Promise;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a handler answers: a status, header fields, and a body that is either whole (sent with
 * Content-Length) or streamed (sent chunked, piece by piece, with backpressure).
 * The server adds Date, Server, Content-Length or Transfer-Encoding, and Connection.
 */
public final class Response {

    private final int status;
    private final List<String> fields = new ArrayList<>(4);
    private final byte[] body;
    private final Consumer<ResponseStream> stream;
    private FileChannel file;
    private long fileLength;

    private Response(int status, byte[] body, Consumer<ResponseStream> stream) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599, not " + status);
        }
        this.status = status;
        this.body = body;
        this.stream = stream;
    }

    /** A response with no body. */
    public static Response of(int status) {
        return new Response(status, new byte[0], null);
    }

    /** A text/plain UTF-8 body. */
    public static Response text(int status, String text) {
        return bytes(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** An application/json body. */
    public static Response json(int status, String json) {
        return bytes(status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** A text/html UTF-8 body. */
    public static Response html(int status, String html) {
        return bytes(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    /** A body of any type; the array now belongs to the response. */
    public static Response bytes(int status, String contentType, byte[] body) {
        return new Response(status, body, null).header("Content-Type", contentType);
    }

    /**
     * A streamed body: {@code producer} is called on the loop once the head is sent, and writes
     * pieces to the stream (each sent as a chunk), then ends it.
     */
    public static Response stream(int status, String contentType, Consumer<ResponseStream> producer) {
        return new Response(status, null, producer).header("Content-Type", contentType);
    }

    /**
     * A file body, sent with zero-copy {@code transferTo} after the head. The channel now belongs to
     * the response: the server closes it once sent (or if the response is never sent). Open it off
     * the loop ({@code loop.offload}): opening a file may block.
     */
    public static Response file(int status, String contentType, FileChannel file, long length) {
        Response response = new Response(status, null, null).header("Content-Type", contentType);
        response.file = file;
        response.fileLength = length;
        return response;
    }

    /** Adds a header field; returns this response. */
    public Response header(String name, String value) {
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** The file body, or null. */
    FileChannel file() {
        return file;
    }

    long fileLength() {
        return fileLength;
    }

    /** Closes a file body that will not be sent. */
    void release() {
        if (file != null) {
            try {
                file.close();
            } catch (java.io.IOException ignored) {
                // only read from
            }
            file = null;
        }
    }

    /** The whole body, or null for a streamed or file response. */
    public byte[] body() {
        return body;
    }

    /** The value of the first field named {@code name} (ignoring case), or null. */
    public String header(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    List<String> fields() {
        return fields;
    }

    Consumer<ResponseStream> streamProducer() {
        return stream;
    }

    /** Where a streamed response's producer writes. Loop thread only. */
    public interface ResponseStream {
        /** Sends {@code data} as one chunk; the promise completes once it is handed to the kernel. */
        Promise<Void> write(ByteBuffer data);

        /** Ends the body (the last chunk); the response is complete. */
        void end();

        /** True while the client can still receive (false once the connection closed). */
        boolean isOpen();
    }

    @Override
    public String toString() {
        return "Response[" + status + (body != null ? ", " + body.length + " bytes" : file != null ? ", a file" : ", streamed")
                + "]";
    }
}
