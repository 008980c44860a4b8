package io.rawloop.server;

import io.rawloop.http.Headers;
import io.rawloop.http.HttpStatus;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a handler answers: a status, header fields, and a body that is whole (sent with
 * Content-Length), a file (sent zero-copy) or streamed (sent chunked, piece by piece, with
 * backpressure). The server adds Date, Server, the framing (Content-Length or
 * Transfer-Encoding, or neither where the status or a HEAD request allows no body) and
 * Connection.
 */
public final class Response {

    private static final ResponseBody.Bytes EMPTY = new ResponseBody.Bytes(new byte[0]);
    private static final byte[] NO_FIELDS = new byte[0];

    private final int status;
    /**
     * The handler's fields, already encoded as the lines of the head ({@code Name: value\r\n}),
     * checked and encoded once, in {@link #header(String, String)}: the writer copies them as they
     * are, and a response a handler answers again and again (a constant) is encoded once in all.
     */
    private byte[] fieldLines = NO_FIELDS;
    private final ResponseBody body;
    /** Whether a Connection field says close: decided in {@link #header}, not per write. */
    private boolean saysClose;
    /** For a 101: who takes the connection over. */
    private ProtocolHandler switchTo;

    private Response(int status, ResponseBody body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100-599, not " + status);
        }
        this.status = status;
        this.body = body;
    }

    /** A response with no body. */
    public static Response of(int status) {
        return new Response(status, EMPTY);
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
        return new Response(status, new ResponseBody.Bytes(body)).header("Content-Type", contentType);
    }

    /**
     * A streamed body: {@code producer} is called on the loop once the head is sent, and writes
     * pieces to the stream (each sent as a chunk), then ends it.
     */
    public static Response stream(int status, String contentType, Consumer<BodyWriter> producer) {
        return new Response(status, new ResponseBody.Stream(producer)).header("Content-Type", contentType);
    }

    /**
     * A file body, sent with zero-copy {@code transferTo} after the head. The channel now belongs to
     * the response: the server closes it once sent (or if the response is never sent). Open it off
     * the loop ({@code loop.offload}): opening a file may block.
     */
    public static Response file(int status, String contentType, FileChannel file, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("negative file length " + length);
        }
        return new Response(status, new ResponseBody.FileRegion(file, length)).header("Content-Type", contentType);
    }

    /**
     * A {@code 101 Switching Protocols} to {@code protocol} (the Upgrade field's value): once it is
     * queued, {@code next} takes the connection over (RFC 9110 §15.2.2, §7.8). Answer it only to a
     * request that asked for the upgrade; add the new protocol's own fields with {@link #header}.
     */
    public static Response switchingProtocols(String protocol, ProtocolHandler next) {
        Response response = new Response(101, EMPTY).header("Upgrade", protocol).header("Connection", "Upgrade");
        response.switchTo = java.util.Objects.requireNonNull(next, "next");
        return response;
    }

    /** Who takes the connection over after this 101, or null. */
    ProtocolHandler switchTo() {
        return switchTo;
    }

    /**
     * Adds a header field; returns this response. The name must be a token and the value may not
     * hold CR, LF, NUL or other control characters (a value that could split the response is
     * refused here, where the handler can see which one it was, not later on the wire). The
     * framing fields are the server's own.
     *
     * @throws IllegalArgumentException naming the field and the character, or the framing field
     */
    public Response header(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value of " + name);
        if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException(name + " is set by the server from the body (and left out where"
                    + " the status or a HEAD request allows no body)");
        }
        Headers.checkField(name, value);
        int at = fieldLines.length;
        byte[] lines = Arrays.copyOf(fieldLines, at + name.length() + 2 + value.length() + 2);
        at = latin1(name, lines, at);
        lines[at++] = ':';
        lines[at++] = ' ';
        at = latin1(value, lines, at);
        lines[at++] = '\r';
        lines[at] = '\n';
        fieldLines = lines;   // a new array: a response already shared between loops never changes under them
        if (name.equalsIgnoreCase("Connection")) {
            saysClose |= hasClose(value);
        }
        return this;
    }

    /** Checked characters are at most 0xFF (Headers.checkField): one byte each. */
    private static int latin1(String s, byte[] into, int at) {
        for (int i = 0; i < s.length(); i++) {
            into[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    /** The status code. */
    public int status() {
        return status;
    }

    /** What follows the head. */
    ResponseBody content() {
        return body;
    }

    /** The answer the server gives for {@code status} itself: the status, its reason phrase, and why. */
    static Response error(int status, String reason) {
        return text(status, status + " " + HttpStatus.reason(status) + ": " + reason + "\n");
    }

    /** Closes a file body that will not be sent. */
    void release() {
        if (body instanceof ResponseBody.FileRegion file) {
            file.release();
        }
    }

    /** The whole body, or null for a streamed or file response. */
    public byte[] body() {
        return body instanceof ResponseBody.Bytes bytes ? bytes.content() : null;
    }

    /** The value of the first field named {@code name} (ignoring case), or null. */
    public String header(String name) {
        for (int line = 0; line < fieldLines.length; line = lineEnd(line) + 2) {
            if (named(line, name)) {
                return value(line);
            }
        }
        return null;
    }

    /** The field lines, encoded: see {@link #fieldLines}. */
    byte[] fieldLines() {
        return fieldLines;
    }

    /** True if the handler set {@code Connection: close}: this is the connection's last response (RFC 9112 §9.6). */
    boolean saysClose() {
        return saysClose;
    }

    private static boolean hasClose(String connectionOptions) {
        for (String option : connectionOptions.split(",")) {
            if (option.strip().equalsIgnoreCase("close")) {
                return true;
            }
        }
        return false;
    }

    private int lineEnd(int line) {
        int cr = line;
        while (fieldLines[cr] != '\r') {
            cr++;
        }
        return cr;
    }

    /** Whether the line at {@code line} is field {@code name}: the name, then the colon. */
    private boolean named(int line, String name) {
        int n = name.length();
        if (line + n >= fieldLines.length || fieldLines[line + n] != ':') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (Character.toLowerCase((char) fieldLines[line + i]) != Character.toLowerCase(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private String value(int line) {
        int start = line;
        while (fieldLines[start] != ':') {
            start++;
        }
        start += 2;   // ": "
        return new String(fieldLines, start, lineEnd(line) - start, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return "Response[" + status + switch (body) {
            case ResponseBody.Bytes bytes -> ", " + bytes.content().length + " bytes";
            case ResponseBody.FileRegion file -> ", a file of " + file.length() + " bytes";
            case ResponseBody.Stream stream -> ", streamed";
        } + "]";
    }
}
