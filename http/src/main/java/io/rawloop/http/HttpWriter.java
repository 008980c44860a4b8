package io.rawloop.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes HTTP/1.1 messages into a reusable byte array: a start line, field lines, and a body
 * framed by Content-Length or chunked coding with trailers. Status lines and the Date line are
 * pre-encoded; a pre-encoded field line ({@link #fieldLine(byte[])}) is one array copy.
 *
 * <pre>{@code
 * HttpWriter w = new HttpWriter();                 // one per connection, reused
 * w.status(HttpVersion.HTTP_1_1, 200).date()
 *  .field("Content-Type", "text/plain").contentLength(body.length).endHead().body(body);
 * connection.write(w.take());                      // a copy the connection may keep
 * }</pre>
 *
 * Field names and values are checked as a parser would check them, so a value carrying CR or
 * LF cannot split a response in two (response splitting).
 */
public final class HttpWriter {

    /** An empty writer; its buffer grows as needed and is reused after {@link #take()}. */
    public HttpWriter() {
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};
    private static final byte[] CONTENT_LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "Transfer-Encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);

    private byte[] data = new byte[1024];
    /** {@link #borrow()}'s view of {@link #data}, made again only when the array grows. */
    private ByteBuffer view;
    private int length;

    /** Starts a response with a pre-encoded status line. */
    public HttpWriter status(HttpVersion version, int status) {
        return bytes(StatusLines.of(version, status));
    }

    /** Starts a request: {@code METHOD target HTTP/1.1}. */
    public HttpWriter requestLine(String method, String target) {
        Ascii.checkToken(method, "method");
        if (target.isEmpty()) {
            throw new IllegalArgumentException("empty request-target");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c > 0x7E || !Ascii.isTargetChar((byte) c)) {
                throw new IllegalArgumentException("invalid character in request-target: " + target);
            }
        }
        return ascii(method).bytes(new byte[] {' '}).ascii(target).ascii(" HTTP/1.1\r\n");
    }

    /** A field line; name and value are checked (no CR, LF or NUL can slip through). */
    public HttpWriter field(String name, String value) {
        Ascii.checkToken(name, "field name");
        Ascii.checkFieldValue(value, name);
        return latin1(name).ascii(": ").latin1(value).bytes(CRLF);
    }

    /** A whole pre-encoded field line, CRLF included ({@code "Server: rawloop\r\n"}). */
    public HttpWriter fieldLine(byte[] line) {
        return bytes(line);
    }

    /** Every field of {@code headers}. */
    public HttpWriter fields(Headers headers) {
        for (int i = 0; i < headers.size(); i++) {
            field(headers.name(i), headers.value(i));
        }
        return this;
    }

    /** The Date line of the current second (cached). */
    public HttpWriter date() {
        return bytes(DateHeader.now());
    }

    /** {@code Content-Length: n}. */
    public HttpWriter contentLength(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative Content-Length " + n);
        }
        return bytes(CONTENT_LENGTH).decimal(n).bytes(CRLF);
    }

    /** Writes {@code n} in decimal straight into the array: no String on the hot path. */
    private HttpWriter decimal(long n) {
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        ensure(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            data[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        length += digits;
        return this;
    }

    /** {@code Transfer-Encoding: chunked}. */
    public HttpWriter chunked() {
        return bytes(CHUNKED);
    }

    /** The empty line that ends the head. */
    public HttpWriter endHead() {
        return bytes(CRLF);
    }

    /** Body bytes, as they are (the head declared their framing). */
    public HttpWriter body(byte[] body) {
        return bytes(body);
    }

    /** Body bytes from a buffer (its position is not moved). */
    public HttpWriter body(ByteBuffer body) {
        int n = body.remaining();
        ensure(n);
        body.get(body.position(), data, length, n);
        length += n;
        return this;
    }

    /** One chunk: its size in hex, the data, CRLF. An empty chunk is skipped (it would end the body). */
    public HttpWriter chunk(ByteBuffer data) {
        if (!data.hasRemaining()) {
            return this;
        }
        return ascii(Integer.toHexString(data.remaining())).bytes(CRLF).body(data).bytes(CRLF);
    }

    /** The last chunk, the trailer fields, and the empty line that ends the message. */
    public HttpWriter lastChunk(Headers trailers) {
        bytes(LAST_CHUNK);
        fields(trailers);
        return bytes(CRLF);
    }

    /** Bytes written so far. */
    public int length() {
        return length;
    }

    /** A copy of what was written, for a connection to keep; the writer is then empty again. */
    public ByteBuffer take() {
        ByteBuffer out = ByteBuffer.wrap(Arrays.copyOf(data, length));
        length = 0;
        return out;
    }

    /**
     * What was written, as a buffer over the writer's own array, valid until the writer changes:
     * for a caller that sends it at once (a connection's {@code writeBorrowed}), then
     * {@link #reset()}s. No copy, and no new buffer: the view is made again only when the array grows.
     */
    public ByteBuffer borrow() {
        if (view == null || view.array() != data) {
            view = ByteBuffer.wrap(data);
        }
        return view.clear().limit(length);
    }

    /** Forgets what was written. */
    public void reset() {
        length = 0;
    }

    /**
     * Forgets what was written after the first {@code mark} bytes ({@code mark} is a
     * {@link #length()} read earlier): undoes a message begun behind others in the same buffer.
     */
    public void resetTo(int mark) {
        if (mark < 0 || mark > length) {
            throw new IllegalArgumentException("mark " + mark + " is outside the " + length + " bytes written");
        }
        length = mark;
    }

    private HttpWriter bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, data, length, b.length);
        length += b.length;
        return this;
    }

    private HttpWriter ascii(String s) {
        return latin1(s);
    }

    private HttpWriter latin1(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            data[length + i] = (byte) s.charAt(i);
        }
        length += n;
        return this;
    }

    private void ensure(int n) {
        if (length + n > data.length) {
            data = Arrays.copyOf(data, Math.max(length + n, data.length * 2));
        }
    }
}
