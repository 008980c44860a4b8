package io.rawloop.compare.backend;

import io.rawloop.http.DateHeader;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.HttpWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What every back-end answers, decided in one place so that all six send the same bytes (and
 * {@code nio-floor} the same {@code /hello}):
 * {@code /hello}, {@code /json}, {@code /sleep?ms=N} (each back-end waits in its own way) and
 * {@code /cpu?n=N} ({@link Work#cpu}, the same arithmetic everywhere). The head is always
 * {@code Date, Server, Content-Type, Content-Length}, in that order, as rawloop's server writes it.
 */
final class Endpoints {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MESSAGE = "{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII);
    static final long MAX_SLEEP_MS = 60_000;
    static final long MAX_CPU = 1_000_000_000;

    private Endpoints() {
    }

    /** An answer: the response to send, after {@code sleepMs} (0: at once). */
    record Answer(int status, String contentType, byte[] body, long sleepMs) {
    }

    /**
     * The two fixed answers, made once: every back-end gets the same objects back for them, and a
     * back-end may keep what it builds from one (rawloop's keeps a constant {@code Response}).
     */
    static final Answer HELLO_ANSWER = new Answer(200, TEXT, HELLO, 0);
    static final Answer JSON_ANSWER = new Answer(200, JSON, MESSAGE, 0);

    /** Decides the answer to a GET of {@code target}, doing the work of /cpu on the calling thread. */
    static Answer route(String target) {
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? "" : target.substring(q + 1);
        return switch (path) {
            case "/hello" -> HELLO_ANSWER;
            case "/json" -> JSON_ANSWER;
            case "/sleep" -> {
                long ms = number(query, "ms", MAX_SLEEP_MS);
                yield ms < 0 ? bad("ms") : new Answer(200, TEXT, ("slept " + ms + " ms\n").getBytes(StandardCharsets.US_ASCII), ms);
            }
            case "/cpu" -> {
                long n = number(query, "n", MAX_CPU);
                yield n < 0 ? bad("n") : new Answer(200, TEXT, ("cpu n=" + n + " result=" + Work.cpu(n) + "\n")
                        .getBytes(StandardCharsets.US_ASCII), 0);
            }
            default -> new Answer(404, TEXT, "not found\n".getBytes(StandardCharsets.US_ASCII), 0);
        };
    }

    private static Answer bad(String parameter) {
        return new Answer(400, TEXT, ("give " + parameter + " as a whole number in range\n").getBytes(StandardCharsets.US_ASCII), 0);
    }

    /** The parameter's value in [0, max], its default (0) if absent, or -1 if not a number in range. */
    private static long number(String query, String name, long max) {
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                try {
                    long v = Long.parseLong(pair.substring(name.length() + 1));
                    return v >= 0 && v <= max ? v : -1;
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return 0;
    }

    /** The whole response in rawloop's server's exact layout, into {@code w}. */
    static void write(HttpWriter w, Answer a) {
        write(w, a, DateHeader.now());
    }

    /** The same, with the Date line read from the clock by the caller: once per read batch, as rawloop's server does. */
    static void write(HttpWriter w, Answer a, byte[] dateLine) {
        w.status(HttpVersion.HTTP_1_1, a.status()).fieldLine(dateLine).fieldLine(SERVER)
                .field("Content-Type", a.contentType()).contentLength(a.body().length).endHead().body(a.body());
    }

    static final byte[] SERVER = "Server: rawloop\r\n".getBytes(StandardCharsets.US_ASCII);

    /** {@link #write} into a fresh buffer. */
    static ByteBuffer encode(Answer a) {
        HttpWriter w = new HttpWriter();
        write(w, a);
        return w.take();
    }
}
