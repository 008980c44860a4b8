package io.rawloop.server.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rawloop.loop.Clock;
import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import io.rawloop.loop.TcpConnection;
import io.rawloop.server.Handler;
import io.rawloop.server.HttpServer;
import io.rawloop.server.Response;
import io.rawloop.server.Router;
import io.rawloop.server.ServerConfig;
import io.rawloop.server.Sockets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;

/** An in-process server on one loop, its clock, and what the threats need to watch it. */
final class Harness implements AutoCloseable {

    static final byte[] BIG = new byte[8 * 1024 * 1024];

    final ManualClock clock;
    final HttpServer server;

    /** A server on a manual clock. */
    Harness(ServerConfig config) throws IOException {
        this(config, new ManualClock());
    }

    /** A server on {@code clock}, or on the system clock when null. */
    Harness(ServerConfig config, ManualClock clock) throws IOException {
        this(config, clock, null);
    }

    /** The same, on TLS with {@code tls} when it is not null. */
    Harness(ServerConfig config, ManualClock clock, SSLContext tls) throws IOException {
        this.clock = clock;
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        HttpServer.Listener listener = tls == null ? HttpServer.Listener.plain(any) : HttpServer.Listener.tls(any, tls);
        this.server = HttpServer.start(List.of(listener), 1, config, routes(), clock == null ? Clock.system() : clock);
    }

    /** The endpoints the threats aim at. */
    static Router routes() {
        return new Router()
                .get("/hello", Handler.of(r -> Response.text(200, "Hello, World!")))
                .get("/json", Handler.of(r -> Response.json(200, "{\"message\":\"Hello, World!\"}")))
                .route("POST", "/echo", Handler.of(r -> Response.bytes(200, "application/octet-stream", r.body())))
                .get("/big", Handler.of(r -> Response.bytes(200, "application/octet-stream", BIG)))
                .get("/sleep", Handler.coroutine(r -> {
                    Coroutine.sleep(Duration.ofMillis(Long.parseLong(r.queryParameter("ms"))));
                    return Response.text(200, "slept");
                }))
                .get("/stream", Handler.of(r -> Response.stream(200, "text/plain", out -> r.loop().spawn(() -> {
                    for (int i = 0; i < 10; i++) {
                        Coroutine.await(out.write(ByteBuffer.wrap(("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII))));
                    }
                    out.end();
                    return null;
                }))))
                // Produces for as long as the client takes it, 16 KiB at a time, each write awaited.
                .get("/endless", Handler.of(r -> Response.stream(200, "application/octet-stream", out -> r.loop().spawn(() -> {
                    byte[] chunk = new byte[16 * 1024];
                    while (out.isOpen()) {
                        Coroutine.await(out.write(ByteBuffer.wrap(chunk)));
                    }
                    return null;
                }))));
    }

    int port() {
        return server.port();
    }

    Socket connect() throws IOException {
        return Sockets.open(server.port());
    }

    EventLoop loop() {
        return server.loops().get(0);
    }

    /**
     * Moves the manual clock, then lets the loop run what fell due. First the loop finishes what it
     * is doing at the old time: a client can read a response before the callback that wrote it
     * has gone on to arm the idle timer, and a timer armed after the move would start late.
     */
    void advance(Duration amount) {
        sync();
        clock.advance(amount);
        server.wakeLoops();
        sync();
        sync();
    }

    /** Returns once the loop has run everything queued before this call. */
    void sync() {
        loop().submit(() -> null).join();
    }

    /** Runs loop turns until {@code condition} holds, for at most 30 s. */
    void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "not within 30 s: " + what + " (" + server.stats() + ")");
            sync();
        }
    }

    void awaitOpen(int n) {
        await(n + " open connections", () -> server.stats().openConnections() == n);
    }

    /** Channels registered with the loop (the listener is one). */
    int channels() {
        return loop().submit(() -> loop().stats().registeredChannels()).join();
    }

    long queuedBytes() {
        return loop().submit(() -> loop().stats().queuedBytes()).join();
    }

    /**
     * Moves the clock 30 s at a time (each a write-stall check: progress since the last one, or
     * drop) until {@code readers} connections have been dropped for stalling, for at most 90 s;
     * all along, what waits in our heap must stay under the high watermark per reader. Returns
     * the most that waited.
     */
    long dropStalledReaders(int readers) {
        long bound = (long) readers * TcpConnection.DEFAULT_HIGH_WATERMARK;
        long maxQueued = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (server.stats().writeStalls() < readers) {
            assertTrue(System.nanoTime() < deadline, "not all dropped within 90 s: " + server.stats());
            maxQueued = Math.max(maxQueued, queuedBytes());
            assertTrue(maxQueued <= bound, maxQueued + " bytes queued for " + readers + " readers that stopped reading");
            advance(Duration.ofSeconds(30));
        }
        assertEquals(readers, server.stats().writeStalls(), "every reader that stopped was dropped");
        return maxQueued;
    }

    /** Nothing left behind: no connection open, only the listener registered, nothing queued. */
    void assertNothingLeaks() {
        awaitOpen(0);
        await("only the listener registered", () -> channels() == 1);
        assertEquals(0, queuedBytes(), "bytes still queued");
    }

    @Override
    public void close() {
        server.close();
    }

    // region client side
    /** Sends {@code request} and reads one response whole (Content-Length or chunked); "status body". */
    static String exchange(Socket socket, String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        return readResponse(socket.getInputStream());
    }

    /** Reads one response; throws an IOException naming how far it got if the stream ends early. */
    static String readResponse(InputStream in) throws IOException {
        String head = readLine(in);
        int status = Integer.parseInt(head.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        for (String line; !(line = readLine(in)).isEmpty(); ) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).strip());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size; (size = Integer.parseInt(readLine(in).strip(), 16)) > 0; ) {
                body.write(readExactly(in, size));
                readLine(in);
            }
            readLine(in);
        } else if (length > 0) {
            body.write(readExactly(in, (int) length));
        }
        return status + " " + body.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new IOException("response cut short: " + b.length + " of " + n + " body bytes");
        }
        return b;
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException(s.isEmpty() ? "no response (end of stream)" : "response cut short in: " + s);
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }
    // endregion client side

    /** Heap in use after a full collection, in bytes. */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The p-th percentile (0-100) of {@code sorted} nanoseconds, in microseconds. */
    static long percentileMicros(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
    }

    static boolean longRun() {
        return Boolean.getBoolean("rawloop.long");
    }
}
