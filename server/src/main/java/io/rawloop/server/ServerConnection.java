package io.rawloop.server;

import io.rawloop.http.BodyFraming;
import io.rawloop.http.HttpException;
import io.rawloop.http.RecentTargets;
import io.rawloop.http.RequestHead;
import io.rawloop.http.RequestParser;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import io.rawloop.loop.TlsHandshake;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * One client connection: reads requests, hands each to the handler, and has its {@link ResponseWriter} write the
 * answers back in the order the requests came (pipelining, RFC 9112 §9.3.2).
 *
 * <h2>Lifecycle</h2>
 * With pipelining, reading and answering overlap, so the connection has two parts: this class, the reading side,
 * and the writing side's queue of {@link ServerExchange}s. The reading side is a state machine:
 * <pre>
 *   READING_HEAD ──head──▶ READING_BODY ──body done──▶ (request queued) ──bytes left──▶ READING_HEAD
 *        ▲                                                  │ nothing left
 *        └──────────── first byte of the next request ── IDLE ◀┘   (keep-alive; idle timer runs
 *                                                                  once no response is pending)
 *   a rejection, a timeout, Connection: close, the client's FIN ──▶ FINISHING ──last answer out──▶ DRAINING
 *   a request to upgrade ──▶ FINISHING ──a 101──▶ SWITCHED (the connection is a {@link ProtocolSwitch}'s)
 * </pre>
 * FINISHING reads no more requests (what arrives is discarded) while the answers in flight go out. DRAINING closes
 * in stages, so that the client reads its last response instead of a reset: our FIN is sent, what the client still
 * sends is read and discarded until its FIN (or a short drain time), then the connection closes.
 *
 * <p>At most {@link ServerConfig#maxPipelined()} requests are in flight: beyond it the rest of a read is held
 * unparsed, and reading pauses. One timer guards a request's arrival: the header timeout from a head's first byte
 * (slowloris), or the gap between reads of a body. Another watches idleness; after our FIN, the first times the drain.
 */
final class ServerConnection implements ConnectionHandler, ResponseWriter.Owner {

    /** The reading side; see the class comment. */
    enum State { IDLE, READING_HEAD, READING_BODY, FINISHING, DRAINING, SWITCHED }

    /** After our FIN, how long to keep reading (and discarding) before closing anyway. */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    private final HttpServer server;
    private final ServerConfig config;
    private final TcpConnection connection;
    private final RequestParser parser;
    private final ResponseWriter responses;
    private State state = State.READING_HEAD;
    private RequestHead head;
    private BodyCollector body;
    /** A 100 Continue is due once the answers in front of this request have gone out. */
    private boolean continueOwed;
    /** The unparsed rest of a read, kept while {@code maxPipelined} requests are in flight. */
    private ByteBuffer held;
    private boolean heldQueued;
    /** Guards the arrival of a request: the header timeout, then the body gap; after our FIN, the drain. */
    private Timer arrivalTimer;
    private Timer idleTimer;
    private long lastActivity;
    /** After a 101: who has the connection. */
    private ProtocolHandler protocol;

    ServerConnection(HttpServer server, TcpConnection connection, boolean tls) {
        this.server = server;
        this.config = server.config();
        this.connection = connection;
        this.parser = new RequestParser(config.limits(), RecentTargets.ofThisThread());   // on the loop thread
        this.responses = new ResponseWriter(server, connection, this);
        // Silence is held to the header timeout too; over TLS from the handshake's end (onTlsHandshake).
        if (!tls) {
            guardArrival(config.headerTimeout(), 408, "the request head did not arrive within ");
        }
    }

    @Override
    public void onTlsHandshake(TcpConnection c, TlsHandshake handshake) {
        guardArrival(config.headerTimeout(), 408, "the request head did not arrive within ");
    }

    /** The connection's loop (not a field: every idle connection would hold it). */
    private EventLoop loop() {
        return connection.loop();
    }

    /** True while requests are read: neither finishing nor draining. */
    private boolean reading() {
        return state == State.IDLE || state == State.READING_HEAD || state == State.READING_BODY;
    }

    // region reading
    // region onData
    @Override
    public void onData(TcpConnection c, ByteBuffer data) {
        if (!reading()) {
            return;   // finishing or draining: discarded
        }
        if (held != null) {
            hold(data);   // more of a read while some of it is held (TLS hands a read over record by record)
            return;
        }
        if (state == State.IDLE) {
            state = State.READING_HEAD;
        }
        lastActivity = loop().nanoTime();
        responses.beginBatch();   // the answers to this read leave in one buffer: see ResponseWriter
        try {
            while (reading()) {
                if (responses.size() >= config.maxPipelined() && parser.atMessageBoundary() && data.hasRemaining()) {
                    hold(data);   // a hard bound on requests in flight: the rest waits, unparsed
                    return;
                }
                switch (parser.parse(data)) {
                    case NEED_MORE -> {
                        // Most heads arrive whole in one read; only one left incomplete needs the
                        // header timer, counted from this read (the one its first bytes came in).
                        if (state == State.READING_HEAD && !parser.atMessageBoundary() && arrivalTimer == null) {
                            guardArrival(config.headerTimeout(), 408, "the request head did not arrive within ");
                        }
                        return;
                    }
                    case HEAD -> onHead();
                    case BODY -> onBody(parser.body());
                    case COMPLETE -> onRequestComplete(data);
                }
            }
        } catch (HttpException e) {
            reject(e.status(), e.reason());
        } finally {
            responses.endBatch();
        }
    }
    // endregion onData

    /**
     * Keeps the unparsed rest of a read (the loop's buffer is reused after this callback) until
     * a response goes out; reading pauses meanwhile, so the client waits in its own socket.
     */
    private void hold(ByteBuffer data) {
        ByteBuffer kept = ByteBuffer.allocate((held == null ? 0 : held.remaining()) + data.remaining());
        held = (held == null ? kept : kept.put(held)).put(data).flip();   // behind what is held already
        connection.pauseReading();
    }

    /** Parses what {@link #hold} kept, as if it had just arrived; then reads on if nothing is held again. */
    private void readHeld() {
        heldQueued = false;
        if (held == null || !reading() || !connection.isOpen()) {
            return;
        }
        ByteBuffer rest = held;
        held = null;
        onData(connection, rest);
        if (held == null && reading() && responses.size() < config.maxPipelined()) {
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
        body = new BodyCollector(head.contentLength());
        guardArrival(config.bodyGapTimeout(), 408, "the request body stalled for ");
        if (head.expectsContinue()) {
            // RFC 9110 §10.1.1: say 100 before the client sends the body; but after the answers to
            // earlier pipelined requests, never in the middle of them.
            if (responses.isEmpty()) {
                responses.sendContinue();
            } else {
                continueOwed = true;
            }
        }
    }

    private void onBody(ByteBuffer piece) {
        continueOwed = false;   // the client did not wait for it
        body.add(piece);
        guardArrival(config.bodyGapTimeout(), 408, "the request body stalled for ");
    }

    private void onRequestComplete(ByteBuffer data) {
        boolean moreBytes = data.hasRemaining();
        byte[] content = body == null ? BodyCollector.none() : body.bytes();
        body = null;
        boolean upgrade = ProtocolSwitch.asked(head);   // what follows waits for the answer, unparsed
        if (upgrade) {
            hold(data);
        }
        boolean keepAlive = head.keepAlive() && !server.isShuttingDown() && !parser.switchedProtocol() && !upgrade;
        ServerExchange exchange = new ServerExchange(new Request(head, content, connection.remoteAddress(), loop()), keepAlive);
        responses.add(exchange);
        server.requestReceived();
        // The reading side moves on first: a handler may answer at once, and what happens after
        // the answer (idle timer, close) depends on where the reading side is.
        if (!keepAlive) {
            finishing();   // answer this one, then close
        } else {
            state = moreBytes ? State.READING_HEAD : State.IDLE;
            cancelArrivalTimer();   // a partial next head arms the header timer; idleness is watched apart
            if (responses.size() >= config.maxPipelined()) {
                // At most maxPipelined requests in flight: read no more (and onData holds what is
                // left of this read) until a response goes out.
                connection.pauseReading();
            }
        }
        dispatch(exchange);
    }

    // region dispatch
    private void dispatch(ServerExchange exchange) {
        Promise<Response> answer;
        try {
            Handler handler = AtOnce.resolve(server.handler(), exchange.request);
            if (handler instanceof AtOnce atOnce) {
                // Handler.of, the most common kind: its function's response, and no promise made.
                responses.answered(exchange, atOnce.answer(exchange.request));
                return;
            }
            answer = handler.handle(exchange.request, loop());
        } catch (Throwable t) {
            answer = Promise.failed(loop(), t);
        }
        exchange.answer = answer;
        if (answer.isDone()) {
            // Answered at once: no listener, no timer, no extra turn of the loop.
            responses.answered(exchange, answer.isSucceeded() ? answer.resultNow() : exchange.failureResponse(answer.failureNow()));
            return;
        }
        exchange.awaitAnswer(loop(), config.responseTimeout(), responses);
    }
    // endregion dispatch
    // endregion reading

    // region after each response
    @Override
    public void switchProtocol(ProtocolHandler next) {
        state = State.SWITCHED;   // reading() is false from here on: this side only counts the close
        protocol = next;
        head = null;              // the upgrade is answered: the new protocol keeps nothing of it
        parser.forgetMessage();
        responses.flushBatch();   // the 101 goes before the new protocol's first bytes
        ByteBuffer rest = held;
        held = null;
        ProtocolSwitch.start(connection, next, this, rest);
    }

    @Override
    public void lastResponse() {
        if (reading()) {
            finishing();
        }
    }

    /** After a response is fully queued: read on, go idle, or close. */
    @Override
    public void responseQueued() {
        server.responseSent();
        if (continueOwed && responses.isEmpty() && state == State.READING_BODY) {
            continueOwed = false;
            responses.sendContinue();
        }
        if (responses.isEmpty() && (state == State.FINISHING || server.isShuttingDown() && state == State.IDLE)) {
            closeInStages();
            return;
        }
        if (responses.size() < config.maxPipelined() && reading()) {
            if (held == null) {
                connection.resumeReading();
            } else if (!heldQueued) {
                heldQueued = true;
                loop().callSoon(this::readHeld);   // not from here: we may be inside onData's parsing
            }
        }
        if (state == State.IDLE && responses.isEmpty()) {
            lastActivity = loop().nanoTime();
            head = null;               // an idle connection holds nothing of the last request
            parser.forgetMessage();
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
        long idleFor = loop().nanoTime() - lastActivity;
        long left = Math.max(0, config.idleTimeout().toNanos() - idleFor);
        idleTimer = loop().schedule(Duration.ofNanos(left), () -> {
            idleTimer = null;
            boolean idle = state == State.IDLE && responses.isEmpty();
            if (idle && loop().nanoTime() - lastActivity >= config.idleTimeout().toNanos()) {
                connection.close();   // keep-alive idle: nothing to say
            } else if (idle) {
                watchIdleness();
            }
        });
    }
    // endregion after each response

    // region errors and closing
    /** Answers a bad request with its status and a short reason, in order, then closes. */
    private void reject(int status, String reason) {
        if (!reading()) {
            return;
        }
        finishing();
        responses.add(ServerExchange.rejection(Response.error(status, reason)));
        server.requestRejected();
        responses.writeReady();
    }

    /** No more requests will be read; the answers in flight go out, then the connection closes. */
    private void finishing() {
        state = State.FINISHING;
        cancelArrivalTimer();
    }

    /** FIN after the last response, discard what the client still sends, close on its FIN. */
    private void closeInStages() {
        responses.flushBatch();   // the last answers go before our FIN
        state = State.DRAINING;
        cancelArrivalTimer();
        connection.resumeReading();   // keep reading, so that unread input does not turn into a reset
        connection.shutdownOutput();
        arrivalTimer = loop().schedule(DRAIN, connection::close);   // no request can arrive now: the field is free
    }

    @Override
    public void onEndOfStream(TcpConnection c) {
        if (state == State.DRAINING || responses.isEmpty()) {
            c.close();
            return;
        }
        // A half-closed client still reads its answers (RFC 9112 §9.6): finish them, then close.
        finishing();
    }

    @Override
    public void onClose(TcpConnection c, Throwable cause) {
        cancelArrivalTimer();
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        responses.closed();   // the handlers' unfinished work is cancelled, unsent files closed
        server.connectionClosed(this, loop());
    }

    /**
     * Graceful shutdown: an idle connection closes now. Otherwise what is in flight finishes, and
     * every request completed from now on is answered with Connection: close (its keep-alive is
     * off while the server shuts down), after which the connection closes.
     */
    void shutdown() {
        if (state == State.SWITCHED) {
            protocol.shutdown(connection);
            return;
        }
        boolean betweenRequests = state == State.IDLE || state == State.READING_HEAD && parser.atMessageBoundary();
        if (betweenRequests && responses.isEmpty()) {
            closeInStages();
        }
    }

    /** Shutdown deadline: close now. */
    void abort() {
        connection.close();
    }

    private void guardArrival(Duration timeout, int status, String what) {
        cancelArrivalTimer();
        arrivalTimer = loop().schedule(timeout, () -> {
            arrivalTimer = null;
            reject(status, what + timeout.toMillis() + " ms");
        });
    }

    private void cancelArrivalTimer() {
        if (arrivalTimer != null) {
            arrivalTimer.cancel();
            arrivalTimer = null;
        }
    }
    // endregion errors and closing
}
