package io.rawloop.server;

import io.rawloop.http.DateHeader;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.HttpWriter;
import io.rawloop.loop.Log;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The writing half of a {@link ServerConnection}: the exchanges in the order their requests
 * came, and the writing of each answer once it reaches the front (RFC 9112 §9.3.2: pipelined
 * responses go out in request order, whatever order the handlers finish in).
 *
 * <p>Each answer is framed by {@link ResponseFraming} from its kind of body, then queued on the
 * connection: a small body in the same buffer as its head, a large one behind it, a file
 * zero-copy, a stream as its producer writes it (nothing behind it goes out until it ends). After
 * each answer is queued the reading side hears of it ({@link Owner#responseQueued()}); a
 * response after which the connection must close tells it first ({@link Owner#lastResponse()}).
 * A response that stops moving for the write-stall timeout aborts the connection.
 *
 * <h2>One buffer per read</h2>
 * While the reading side parses one read ({@link #beginBatch()} to {@link #endBatch()}), the
 * answers that handlers give at once go into one buffer of the loop's, head and small body after
 * head, and that buffer is handed to the connection once, at the end, with
 * {@code TcpConnection.writeBorrowed}: sixteen pipelined requests cost one write, not sixteen, and
 * no array of their own unless the kernel refuses some of the bytes. Anything else the connection must send in between
 * (a large body, a file, a stream, a 100 Continue, our FIN) first takes the batch, so the bytes
 * leave in order. The batch buffer is the loop's, and only the connection whose read is being
 * parsed uses it: one read is parsed at a time on a loop, and the batch is always empty after.
 */
final class ResponseWriter {

    /** What the reading side hears from the writing side. */
    interface Owner {
        /** The response now being written is the connection's last: read no more requests. */
        void lastResponse();

        /** A response is fully queued on the connection (the exchange has left the queue). */
        void responseQueued();

        /** A 101 is queued: the connection is {@code next}'s from now on. */
        void switchProtocol(ProtocolHandler next);
    }

    private static final byte[] SERVER = "Server: rawloop\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Bodies up to this size are copied behind their head; larger ones are written as they are. */
    private static final int SMALL_BODY = 8 * 1024;
    private static final System.Logger LOG = System.getLogger("io.rawloop.server");
    /** The writers of each loop thread; see {@link Shared}. */
    private static final ThreadLocal<Shared> SHARED = ThreadLocal.withInitial(Shared::new);

    /**
     * What the connections of one loop share, because one read is parsed and one answer written
     * at a time on a loop: every field here would otherwise be held by every idle connection.
     */
    private static final class Shared {
        /** For one answer at a time: every use fills it and takes the bytes out before returning. */
        final HttpWriter writer = new HttpWriter();
        /** The batch of the read being parsed; see the class comment. Empty between reads. */
        final HttpWriter batch = new HttpWriter();
        /**
         * The Date line for the answers of that batch, read from the clock once per read instead of
         * once per response (a batch lasts one callback: microseconds, in which the second may tick
         * over at most once; RFC 9110 §6.6.1 asks for the time the message was generated, to the second).
         */
        byte[] batchDate;
    }

    private final HttpServer server;
    private final TcpConnection connection;
    private final Owner owner;
    private final Shared shared = SHARED.get();
    /** Between {@link #beginBatch()} and {@link #endBatch()}: answers wait in the loop's batch. */
    private boolean batching;
    /** Sized for one exchange or two (the default, 16, would hold 88 bytes on every idle connection). */
    private final ArrayDeque<ServerExchange> queue = new ArrayDeque<>(2);
    /** The exchange at the front is streaming: nothing behind it may be written. */
    private boolean streaming;
    /** Guards a response that stops moving (the write-stall timeout). */
    private Timer stallTimer;
    private long writtenAtLastCheck;

    ResponseWriter(HttpServer server, TcpConnection connection, Owner owner) {
        this.server = server;
        this.connection = connection;
        this.owner = owner;
    }

    // region batch
    /** The reading side starts parsing a read: answers given during it share one buffer. */
    void beginBatch() {
        batching = true;
        shared.batchDate = DateHeader.now();
    }

    /** The read is parsed: the batch goes to the connection in one piece. */
    void endBatch() {
        batching = false;
        flushBatch();
    }

    /** Hands the batch to the connection now, before something that must follow it. */
    void flushBatch() {
        if (shared.batch.length() == 0) {
            return;
        }
        if (connection.isOpen()) {
            // The kernel takes it now (or a copy of what it refuses is queued): no array per shared.batch.
            connection.writeBorrowed(shared.batch.borrow());
        }
        shared.batch.reset();   // empty for the next read, whoever it comes from
    }

    /** RFC 9110 §10.1.1's interim 100 (Continue), after every answer before it. */
    void sendContinue() {
        flushBatch();
        connection.write(ByteBuffer.wrap(CONTINUE));
    }
    // endregion batch

    /** Puts an exchange at the back of the queue. */
    void add(ServerExchange exchange) {
        queue.add(exchange);
    }

    /** Exchanges read and not yet fully written. */
    int size() {
        return queue.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** The handler answered (or its deadline did): the response goes out once it is at the front. */
    void answered(ServerExchange exchange, Response response) {
        if (exchange.response != null || !connection.isOpen()) {
            response.release();   // already answered (a timeout won the race), or nobody to tell
            return;
        }
        exchange.response = response;
        writeReady();
    }

    // region writeReady
    /** Writes every answered exchange at the front of the queue, in order. */
    void writeReady() {
        while (!streaming && !queue.isEmpty() && queue.peek().response != null) {
            ServerExchange exchange = queue.peek();
            if (!writeResponse(exchange)) {
                return;   // a stream started; it calls back when it ends
            }
            queue.poll();
            owner.responseQueued();
        }
    }
    // endregion writeReady

    // region writeResponse
    /** True if the response is fully queued; false if it is streaming. */
    private boolean writeResponse(ServerExchange exchange) {
        Response response = exchange.response;
        ResponseBody body = response.content();
        ResponseFraming framing = ResponseFraming.of(exchange.request, response.status(), body);
        boolean handlerSaysClose = response.saysClose();
        boolean switching = response.switchTo() != null && exchange.request != null;
        boolean keepAlive = switching || exchange.keepAlive && !server.isShuttingDown() && !framing.endsWithClose()
                && !handlerSaysClose;
        HttpWriter out = batching ? shared.batch : shared.writer;
        if (!writeHead(out, exchange.request, response, framing, keepAlive, handlerSaysClose)) {
            // A field the writer refuses (Response.header checks them, so this is a bug): a 500.
            response.release();
            exchange.response = Response.error(500, "the response could not be sent; the server log has the details");
            return writeResponse(exchange);
        }
        if (!keepAlive) {
            owner.lastResponse();
        }
        if (!framing.sendsBody()) {
            response.release();   // a file that HEAD, 204 or 304 does not send; a stream is never started
            emit(out);
            if (switching) {
                owner.switchProtocol(response.switchTo());
            }
        } else {
            switch (body) {
                case ResponseBody.Bytes bytes -> {
                    byte[] content = bytes.content();
                    if (content.length <= SMALL_BODY) {
                        emit(out.body(content));   // one copy, one buffer, one write
                    } else {
                        connection.write(out.take());
                        connection.write(ByteBuffer.wrap(content));
                    }
                }
                case ResponseBody.FileRegion file -> {
                    connection.write(out.take());
                    connection.writeFile(file.file(), 0, file.length());   // zero-copy; the connection closes it
                }
                case ResponseBody.Stream stream -> {
                    connection.write(out.take());
                    startStream(exchange, stream, framing);
                    return false;
                }
            }
        }
        watchForStall();
        return true;
    }
    // endregion writeResponse

    /** A whole answer is in {@code out}: it waits in the batch, or goes to the connection now. */
    private void emit(HttpWriter out) {
        if (out != shared.batch) {
            connection.write(out.take());
        }
    }

    /**
     * Writes the head into {@code out} as the framing says, with {@code Connection: close} unless
     * the handler's own fields already say it; false if the writer refused a field (logged).
     */
    private boolean writeHead(HttpWriter out, Request request, Response response, ResponseFraming framing,
                              boolean keepAlive, boolean handlerSaysClose) {
        // The shared writer starts clean; the batch keeps the answers before this one.
        int mark = out == shared.batch ? out.length() : 0;
        out.resetTo(mark);
        try {
            out.status(HttpVersion.HTTP_1_1, response.status()).fieldLine(batching ? shared.batchDate : DateHeader.now())
                    .fieldLine(SERVER);
            out.fieldLine(response.fieldLines());   // checked and encoded when the handler set them
        } catch (RuntimeException e) {
            out.resetTo(mark);
            Log.log(LOG, System.Logger.Level.ERROR, "the response to " + request + " has a field that cannot be sent", e);
            return false;
        }
        if (framing.lengthField()) {
            out.contentLength(switch (response.content()) {
                case ResponseBody.Bytes bytes -> bytes.content().length;
                case ResponseBody.FileRegion file -> file.length();
                case ResponseBody.Stream stream -> throw new AssertionError("a stream has no length to declare");
            });
        } else if (framing.chunkedField()) {
            out.chunked();
        }
        if (!keepAlive && !handlerSaysClose) {
            out.field("Connection", "close");
        } else if (keepAlive && request != null && request.version() == HttpVersion.HTTP_1_0) {
            out.field("Connection", "keep-alive");   // RFC 9112 §9.3: 1.0 persists only when told so
        }
        out.endHead();
        return true;
    }

    /** Hands the stream to its producer; the exchange ends when the producer ends the stream. */
    private void startStream(ServerExchange exchange, ResponseBody.Stream stream, ResponseFraming framing) {
        streaming = true;
        Stream out = new Stream(framing.endsWithClose());
        try {
            stream.producer().accept(out);
        } catch (RuntimeException e) {
            // The head is out, so no 500 can follow: the body is cut short, which the client can tell.
            Log.log(LOG, System.Logger.Level.ERROR, "the body stream of " + exchange.request + " failed", e);
            out.fail();
        }
    }

    /** The streamed body of the exchange at the front of the queue. */
    private final class Stream implements BodyWriter {
        /** Close-delimited (HTTP/1.0): bytes as they are, no chunk framing. */
        private final boolean raw;
        private boolean ended;

        Stream(boolean raw) {
            this.raw = raw;
        }

        @Override
        public Promise<Void> write(ByteBuffer data) {
            if (ended || !connection.isOpen()) {
                return Promise.failed(connection.loop(), new ClosedChannelException());
            }
            connection.write(raw ? data : shared.writer.chunk(data).take());
            watchForStall();
            return connection.drained();
        }

        @Override
        public void end() {
            if (ended || !connection.isOpen()) {
                return;
            }
            ended = true;
            if (!raw) {
                connection.write(shared.writer.lastChunk(io.rawloop.http.Headers.EMPTY).take());
            }
            streaming = false;
            queue.poll();
            owner.responseQueued();
            writeReady();
        }

        @Override
        public boolean isOpen() {
            return !ended && connection.isOpen();
        }

        /**
         * The producer failed after the head went out: close without the end of the body. Chunked,
         * the missing last chunk tells the client; close-delimited, a clean close would look like
         * the whole body, so it is a reset.
         */
        void fail() {
            ended = true;
            if (raw) {
                connection.abort();
            } else {
                connection.close();
            }
        }
    }

    /** Closes a connection whose pending bytes stop moving for the write-stall timeout. */
    private void watchForStall() {
        if (stallTimer != null || connection.pendingBytes() == 0) {
            return;
        }
        writtenAtLastCheck = connection.bytesWritten();
        stallTimer = connection.loop().schedule(server.config().writeStallTimeout(), () -> {
            stallTimer = null;
            if (connection.pendingBytes() == 0) {
                return;
            }
            if (connection.bytesWritten() == writtenAtLastCheck) {
                server.writeStalled();
                connection.abort();   // the client stopped reading: nothing useful can be sent
            } else {
                watchForStall();
            }
        });
    }

    /** The connection has closed: every exchange still queued is abandoned. */
    void closed() {
        if (stallTimer != null) {
            stallTimer.cancel();
        }
        for (ServerExchange exchange : queue) {
            exchange.abandon();
        }
        queue.clear();
    }
}
