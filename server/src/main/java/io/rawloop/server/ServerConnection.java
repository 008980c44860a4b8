package io.rawloop.server;

import io.rawloop.http.BodyFraming;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.HttpStatus;
import io.rawloop.http.HttpVersion;
import io.rawloop.http.HttpWriter;
import io.rawloop.http.RequestHead;
import io.rawloop.http.RequestParser;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Log;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * One client connection: reads requests, hands each to the handler, writes the responses back
 * in the order the requests came (pipelining, RFC 9112 §9.3.2).
 *
 * <h2>Lifecycle</h2>
 * With pipelining, reading and answering overlap, so the connection has two parts. The reading
 * side is a state machine:
 * <pre>
 *   READING_HEAD ──head──▶ READING_BODY ──body done──▶ (request queued) ──bytes left──▶ READING_HEAD
 *        ▲                                                  │ nothing left
 *        └──────────── first byte of the next request ── IDLE ◀┘   (keep-alive; idle timer runs
 *                                                                  once no response is pending)
 *   any rejection, timeout, Connection: close, shutdown ──▶ CLOSING
 * </pre>
 * and each request read becomes an {@link Exchange} in a queue: HANDLING until its handler
 * answers, then WRITING when it reaches the front of the queue, then gone. CLOSING closes in
 * stages so that the client reads its last response instead of a reset: stop taking requests,
 * flush, send FIN, read and discard until the client's FIN (or a short drain time), close.
 *
 * <p>One timer guards the reading side at a time: the header timeout from the first byte of a
 * head (slowloris), the body gap between reads of a body, or the idle timeout. A second watches a
 * response that stops moving (the write-stall timeout).
 */
final class ServerConnection implements ConnectionHandler {

    /** The reading side; see the class comment. */
    enum State { IDLE, READING_HEAD, READING_BODY, CLOSING }

    /** After our FIN, how long to keep reading (and discarding) before closing anyway. */
    private static final Duration DRAIN = Duration.ofSeconds(2);
    private static final byte[] SERVER = "Server: rawloop\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NO_BODY = new byte[0];
    /** Bodies up to this size are copied behind their head; larger ones are written as they are. */
    private static final int SMALL_BODY = 8 * 1024;
    private static final System.Logger LOG = System.getLogger("io.rawloop.server");
    /** One writer per loop thread; see {@link #writer}. */
    private static final ThreadLocal<HttpWriter> WRITERS = ThreadLocal.withInitial(HttpWriter::new);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One request and its answer, in arrival order. */
    private static final class Exchange {
        final Request request;
        final boolean keepAlive;
        Promise<Response> answer;
        Response response;
        Timer deadline;

        Exchange(Request request, boolean keepAlive) {
            this.request = request;
            this.keepAlive = keepAlive;
        }
    }

    private final HttpServer server;
    private final ServerConfig config;
    private final TcpConnection connection;
    private final EventLoop loop;
    private final RequestParser parser;
    /**
     * The loop's writer, shared by all its connections: every use fills it and takes the bytes
     * out before returning, so none needs its own (which would hold 1 KiB per idle connection).
     */
    private final HttpWriter writer = WRITERS.get();
    private final ArrayDeque<Exchange> exchanges = new ArrayDeque<>();
    private State state = State.READING_HEAD;
    private RequestHead head;
    private byte[] body;
    private int bodyLength;
    private boolean continueOwed;
    private boolean noMoreRequests;
    private boolean streaming;
    /** The unparsed rest of a read, kept while {@code maxPipelined} requests are in flight. */
    private ByteBuffer held;
    private boolean heldQueued;
    private Timer readTimer;
    private Timer idleTimer;
    private long lastActivity;
    private Timer stallTimer;
    private long writtenAtLastCheck;

    ServerConnection(HttpServer server, TcpConnection connection) {
        this.server = server;
        this.config = server.config();
        this.connection = connection;
        this.loop = connection.loop();
        this.parser = new RequestParser(config.limits());
        // A connection that sends nothing is held to the header timeout too.
        armReadTimer(config.headerTimeout(), 408, "the request head did not arrive within ");
    }

    // region reading
    // region onData
    @Override
    public void onData(TcpConnection c, ByteBuffer data) {
        if (state == State.CLOSING) {
            return;   // draining before close: discarded
        }
        if (state == State.IDLE) {
            state = State.READING_HEAD;
        }
        lastActivity = loop.nanoTime();
        try {
            while (!noMoreRequests) {
                if (exchanges.size() >= config.maxPipelined() && parser.atMessageBoundary() && data.hasRemaining()) {
                    hold(data);   // a hard bound on requests in flight: the rest waits, unparsed
                    return;
                }
                switch (parser.parse(data)) {
                    case NEED_MORE -> {
                        // Most heads arrive whole in one read; only one left incomplete needs the
                        // header timer, counted from this read (the one its first bytes came in).
                        if (state == State.READING_HEAD && !parser.atMessageBoundary() && readTimer == null) {
                            armReadTimer(config.headerTimeout(), 408, "the request head did not arrive within ");
                        }
                        return;
                    }
                    case HEAD -> onHead();
                    case BODY -> onBody(parser.body());
                    case COMPLETE -> onRequestComplete(data.hasRemaining());
                }
            }
        } catch (HttpException e) {
            reject(e.status(), e.reason());
        }
    }
    // endregion onData

    /**
     * Keeps the unparsed rest of a read (the loop's buffer is reused after this callback) until
     * a response goes out; reading pauses meanwhile, so the client waits in its own socket.
     */
    private void hold(ByteBuffer data) {
        held = ByteBuffer.allocate(data.remaining()).put(data).flip();
        connection.pauseReading();
    }

    /** Parses what {@link #hold} kept, as if it had just arrived; then reads on if nothing is held again. */
    private void readHeld() {
        heldQueued = false;
        if (held == null || state == State.CLOSING || !connection.isOpen()) {
            return;
        }
        ByteBuffer rest = held;
        held = null;
        onData(connection, rest);
        if (held == null && state != State.CLOSING && exchanges.size() < config.maxPipelined()) {
            connection.resumeReading();
        }
    }

    private void onHead() {
        head = parser.head();
        String hostProblem = head.hostProblem();
        if (hostProblem != null) {
            reject(400, hostProblem);
            return;
        }
        if (head.framing() == BodyFraming.NONE) {
            return;   // COMPLETE follows at once
        }
        state = State.READING_BODY;
        body = new byte[(int) Math.min(Math.max(head.contentLength(), 0), 64 * 1024)];
        bodyLength = 0;
        armReadTimer(config.bodyGapTimeout(), 408, "the request body stalled for ");
        if (head.expectsContinue()) {
            // RFC 9110 §10.1.1: say 100 before the client sends the body; but after the answers to
            // earlier pipelined requests, never in the middle of them.
            if (exchanges.isEmpty()) {
                connection.write(ByteBuffer.wrap(CONTINUE));
            } else {
                continueOwed = true;
            }
        }
    }

    private void onBody(ByteBuffer piece) {
        continueOwed = false;   // the client did not wait for it
        int n = piece.remaining();
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.max(bodyLength + n, body.length * 2));
        }
        piece.get(body, bodyLength, n);
        bodyLength += n;
        armReadTimer(config.bodyGapTimeout(), 408, "the request body stalled for ");
    }

    private void onRequestComplete(boolean moreBytes) {
        byte[] content = body == null ? NO_BODY : bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        body = null;
        boolean keepAlive = head.keepAlive() && !server.isShuttingDown() && !parser.switchedProtocol();
        Exchange exchange = new Exchange(new Request(head, content, connection.remoteAddress(), loop), keepAlive);
        if (!keepAlive) {
            noMoreRequests = true;   // answer this one, then close
        }
        exchanges.add(exchange);
        server.requestReceived();
        // The reading side moves on first: a handler may answer at once, and what happens after
        // the answer (idle timer, close) depends on where the reading side is.
        if (noMoreRequests) {
            stopReading();
        } else {
            state = moreBytes ? State.READING_HEAD : State.IDLE;
            cancelReadTimer();   // a partial next head arms the header timer; idleness is watched apart
            if (exchanges.size() >= config.maxPipelined()) {
                // At most maxPipelined requests in flight: read no more (and onData holds what is
                // left of this read) until a response goes out.
                connection.pauseReading();
            }
        }
        dispatch(exchange);
    }

    // region dispatch
    private void dispatch(Exchange exchange) {
        Promise<Response> answer;
        try {
            answer = server.handler().handle(exchange.request, loop);
        } catch (Throwable t) {
            answer = Promise.failed(loop, t);
        }
        exchange.answer = answer;
        if (answer.isDone()) {
            // Answered at once (most handlers): no listener, no timer, no extra turn of the loop.
            answered(exchange, answer.isSucceeded() ? answer.resultNow() : failureResponse(exchange, answer.failureNow()));
            return;
        }
        exchange.deadline = loop.schedule(config.responseTimeout(), () -> {
            exchange.answer.cancel(new TimeoutException("no answer within " + config.responseTimeout().toMillis() + " ms"));
            answered(exchange, errorResponse(503, "the handler did not answer within "
                    + config.responseTimeout().toMillis() + " ms"));
        });
        answer.onComplete((response, failure) -> {
            exchange.deadline.cancel();
            answered(exchange, failure == null ? response : failureResponse(exchange, failure));
        });
    }
    // endregion dispatch

    private Response failureResponse(Exchange exchange, Throwable failure) {
        if (failure instanceof HttpError error) {
            return errorResponse(error.status(), error.getMessage());
        }
        if (failure instanceof CancellationException) {
            return errorResponse(503, "the request was cancelled");
        }
        // Through Log, which never throws: whatever happens to logging, the 500 must go out.
        Log.log(LOG, System.Logger.Level.ERROR, "handler failed for " + exchange.request, failure);
        return errorResponse(500, "the handler failed; the server log has the details");
    }

    private void answered(Exchange exchange, Response response) {
        if (exchange.response != null || !connection.isOpen()) {
            response.release();   // already answered (a timeout won the race), or nobody to tell
            return;
        }
        exchange.response = response;
        writeReady();
    }
    // endregion reading

    // region writing
    // region writeReady
    /** Writes every answered exchange at the front of the queue, in order. */
    private void writeReady() {
        while (!streaming && !exchanges.isEmpty() && exchanges.peek().response != null) {
            Exchange exchange = exchanges.peek();
            if (!writeResponse(exchange)) {
                return;   // a stream started; it calls back when it ends
            }
            exchanges.poll();
            finished(exchange);
        }
    }
    // endregion writeReady

    // region writeResponse
    /** True if the response is fully queued; false if it is streaming. */
    private boolean writeResponse(Exchange exchange) {
        Response response = exchange.response;
        ResponseBody body = response.content();
        ResponseFraming framing = ResponseFraming.of(exchange.request, response.status(), body);
        boolean keepAlive = exchange.keepAlive && !server.isShuttingDown() && !framing.endsWithClose()
                && !response.saysClose();
        if (!writeHead(exchange.request, response, framing, keepAlive)) {
            // A field the writer refuses (Response.header checks them, so this is a bug): a 500.
            response.release();
            exchange.response = errorResponse(500, "the response could not be sent; the server log has the details");
            return writeResponse(exchange);
        }
        if (!keepAlive) {
            noMoreRequests = true;
        }
        if (!framing.sendsBody()) {
            response.release();   // a file that HEAD, 204 or 304 does not send; a stream is never started
            connection.write(writer.take());
        } else {
            switch (body) {
                case ResponseBody.Bytes bytes -> {
                    byte[] content = bytes.content();
                    if (content.length <= SMALL_BODY) {
                        connection.write(writer.body(content).take());   // one copy, one buffer, one write
                    } else {
                        connection.write(writer.take());
                        connection.write(ByteBuffer.wrap(content));
                    }
                }
                case ResponseBody.FileRegion file -> {
                    connection.write(writer.take());
                    connection.writeFile(file.file(), 0, file.length());   // zero-copy; the connection closes it
                }
                case ResponseBody.Stream stream -> {
                    connection.write(writer.take());
                    startStream(exchange, stream, framing);
                    return false;
                }
            }
        }
        watchForStall();
        return true;
    }
    // endregion writeResponse

    /** Writes the head into the writer as the framing says; false if the writer refused a field (logged). */
    private boolean writeHead(Request request, Response response, ResponseFraming framing, boolean keepAlive) {
        writer.reset();   // shared by the loop's connections: start clean
        try {
            writer.status(HttpVersion.HTTP_1_1, response.status()).date().fieldLine(SERVER);
            for (int i = 0; i < response.fields().size(); i += 2) {
                writer.field(response.fields().get(i), response.fields().get(i + 1));
            }
        } catch (RuntimeException e) {
            writer.reset();
            Log.log(LOG, System.Logger.Level.ERROR, "the response to " + request + " has a field that cannot be sent", e);
            return false;
        }
        if (framing.lengthField()) {
            writer.contentLength(switch (response.content()) {
                case ResponseBody.Bytes bytes -> bytes.content().length;
                case ResponseBody.FileRegion file -> file.length();
                case ResponseBody.Stream stream -> throw new AssertionError("a stream has no length to declare");
            });
        } else if (framing.chunkedField()) {
            writer.chunked();
        }
        if (!keepAlive && !response.saysClose()) {
            writer.field("Connection", "close");
        } else if (request != null && request.version() == HttpVersion.HTTP_1_0) {
            writer.field("Connection", "keep-alive");   // RFC 9112 §9.3: 1.0 persists only when told so
        }
        writer.endHead();
        return true;
    }

    /** Hands the stream to its producer; the exchange ends when the producer ends the stream. */
    private void startStream(Exchange exchange, ResponseBody.Stream stream, ResponseFraming framing) {
        streaming = true;
        Stream out = new Stream(exchange, framing.endsWithClose());
        try {
            stream.producer().accept(out);
        } catch (RuntimeException e) {
            // The head is out, so no 500 can follow: the body is cut short, which the client can tell.
            Log.log(LOG, System.Logger.Level.ERROR, "the body stream of " + exchange.request + " failed", e);
            out.fail();
        }
    }

    /** The streamed body of the exchange at the front of the queue. */
    private final class Stream implements Response.ResponseStream {
        private final Exchange exchange;
        private final boolean raw;
        private boolean ended;

        Stream(Exchange exchange, boolean raw) {
            this.exchange = exchange;
            this.raw = raw;
        }

        @Override
        public Promise<Void> write(ByteBuffer data) {
            if (ended || !connection.isOpen()) {
                return Promise.failed(loop, new java.nio.channels.ClosedChannelException());
            }
            connection.write(raw ? data : writer.chunk(data).take());
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
                connection.write(writer.lastChunk(io.rawloop.http.Headers.EMPTY).take());
            }
            streaming = false;
            exchanges.poll();
            finished(exchange);
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

    /** After a response is fully queued: read on, go idle, or close. */
    private void finished(Exchange exchange) {
        server.responseSent();
        if (continueOwed && exchanges.isEmpty() && state == State.READING_BODY) {
            continueOwed = false;
            connection.write(ByteBuffer.wrap(CONTINUE));
        }
        if (exchanges.isEmpty() && (noMoreRequests || server.isShuttingDown() && state == State.IDLE)) {
            closeInStages();
            return;
        }
        if (exchanges.size() < config.maxPipelined() && state != State.CLOSING) {
            if (held == null) {
                connection.resumeReading();
            } else if (!heldQueued) {
                heldQueued = true;
                loop.callSoon(this::readHeld);   // not from here: we may be inside onData's parsing
            }
        }
        if (state == State.IDLE && exchanges.isEmpty()) {
            lastActivity = loop.nanoTime();
            watchIdleness();
        }
    }

    /**
     * One long-lived timer watches idleness instead of one per request: when it fires it checks
     * the last activity, closes the connection if it was idle long enough, else waits out the rest.
     */
    private void watchIdleness() {
        if (idleTimer != null) {
            return;
        }
        long idleFor = loop.nanoTime() - lastActivity;
        long left = Math.max(0, config.idleTimeout().toNanos() - idleFor);
        idleTimer = loop.schedule(Duration.ofNanos(left), () -> {
            idleTimer = null;
            boolean idle = state == State.IDLE && exchanges.isEmpty();
            if (idle && loop.nanoTime() - lastActivity >= config.idleTimeout().toNanos()) {
                connection.close();   // keep-alive idle: nothing to say
            } else if (idle) {
                watchIdleness();
            }
        });
    }

    /** Closes a connection whose pending bytes stop moving for the write-stall timeout. */
    private void watchForStall() {
        if (stallTimer != null || connection.pendingBytes() == 0) {
            return;
        }
        writtenAtLastCheck = connection.bytesWritten();
        stallTimer = loop.schedule(config.writeStallTimeout(), () -> {
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
    // endregion writing

    // region errors and closing
    /** Answers a bad request with its status and a short reason, in order, then closes. */
    private void reject(int status, String reason) {
        if (noMoreRequests && state == State.CLOSING) {
            return;
        }
        noMoreRequests = true;
        stopReading();
        Exchange exchange = new Exchange(null, false);
        exchange.response = errorResponse(status, reason);
        exchanges.add(exchange);
        server.requestRejected();
        writeReady();
    }

    private static Response errorResponse(int status, String reason) {
        return Response.text(status, status + " " + HttpStatus.reason(status) + ": " + reason + "\n");
    }

    /** No more requests will be read from this connection (bytes that come are discarded). */
    private void stopReading() {
        state = State.CLOSING;
        cancelReadTimer();
    }

    /** FIN after the last response, discard what the client still sends, close on its FIN. */
    private void closeInStages() {
        stopReading();
        connection.resumeReading();   // keep reading, so that unread input does not turn into a reset
        connection.shutdownOutput();
        readTimer = loop.schedule(DRAIN, connection::close);
    }

    @Override
    public void onEndOfStream(TcpConnection c) {
        if (state == State.CLOSING || exchanges.isEmpty()) {
            c.close();
            return;
        }
        // A half-closed client still reads its answers (RFC 9112 §9.6): finish them, then close.
        noMoreRequests = true;
        state = State.CLOSING;
        cancelReadTimer();
    }

    @Override
    public void onClose(TcpConnection c, Throwable cause) {
        cancelReadTimer();
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (stallTimer != null) {
            stallTimer.cancel();
        }
        for (Exchange exchange : exchanges) {
            if (exchange.deadline != null) {
                exchange.deadline.cancel();
            }
            if (exchange.answer != null) {
                exchange.answer.cancel();   // nobody is left to answer: stop the handler's work
            }
            if (exchange.response != null) {
                exchange.response.release();   // a file that will never be sent
            }
        }
        exchanges.clear();
        server.connectionClosed(this, loop);
    }

    /**
     * Graceful shutdown: an idle connection closes now. Otherwise what is in flight finishes, and
     * every request completed from now on is answered with Connection: close (its keep-alive is
     * off while the server shuts down), after which the connection closes.
     */
    void shutdown() {
        boolean betweenRequests = state == State.IDLE || state == State.READING_HEAD && parser.atMessageBoundary();
        if (betweenRequests && exchanges.isEmpty()) {
            closeInStages();
        }
    }

    /** Shutdown deadline: close now. */
    void abort() {
        connection.close();
    }

    private void armReadTimer(Duration timeout, int status, String what) {
        cancelReadTimer();
        readTimer = loop.schedule(timeout, () -> {
            readTimer = null;
            reject(status, what + timeout.toMillis() + " ms");
        });
    }

    private void cancelReadTimer() {
        if (readTimer != null) {
            readTimer.cancel();
            readTimer = null;
        }
    }
    // endregion errors and closing

    /** The reading side's state (for tests and stats). */
    State state() {
        return state;
    }
}
