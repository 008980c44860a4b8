package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.http.HttpEvent;
import io.rawloop.http.HttpException;
import io.rawloop.http.ResponseParser;
import io.rawloop.loop.ConnectionHandler;
import io.rawloop.loop.TcpConnection;
import io.rawloop.loop.Timer;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * One kept-alive connection of a {@link HostPool}: it writes requests and feeds the response bytes
 * through a {@link ResponseParser} to the exchange at the head of its queue.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   IDLE ──send()──▶ BUSY ──last response complete, reusable──▶ IDLE
 *    │                │
 *    │                └──not reusable, failed, timed out──▶ CLOSED
 *    └──idle timeout, server's FIN, stray bytes──────────▶ CLOSED
 * </pre>
 * A connection stops being reusable, and closes once its responses are done, when: the server
 * said {@code Connection: close} (or spoke HTTP/1.0 without keep-alive), the body was delimited
 * by the close, the response ended before the request body was sent, a response was abandoned
 * half-read, or the protocol switched (101). A connection that failed never goes back.
 *
 * <p>Reading stays on while idle: that is how a server's FIN (its idle timeout) is seen at once
 * and the connection leaves the pool before a request is wasted on it.
 */
final class ClientConnection implements ConnectionHandler {

    enum State { IDLE, BUSY, CLOSED }

    private static final byte[] STATUS_PREFIX = {'H', 'T', 'T', 'P', '/', '1', '.'};

    private final HostPool pool;
    private final TcpConnection tcp;
    private final ResponseParser parser;
    private final ArrayDeque<Exchange> inFlight = new ArrayDeque<>();
    private State state = State.IDLE;
    private boolean reusable = true;
    /** Responses completed on this connection: a failure after one is a stale kept-alive connection. */
    private int served;
    private Timer idleTimer;

    ClientConnection(HostPool pool, TcpConnection tcp) {
        this.pool = pool;
        this.tcp = tcp;
        this.parser = new ResponseParser(pool.client.config().limits().withMaxBody(Long.MAX_VALUE));
        tcp.setHandler(this);
    }

    // region sending
    /** Writes the request of {@code e}; its response comes after those already in flight. */
    void send(Exchange e) {
        cancelIdleTimer();
        state = State.BUSY;
        if (inFlight.isEmpty()) {
            parser.expectResponseTo(e.request.method());
        }
        inFlight.add(e);
        ByteBuffer head = RequestEncoder.encode(e.request, pool.client.config().userAgent());
        pool.client.sent(head.remaining());
        tcp.write(head);
        e.sent(this);
        if (e.request.source() == null) {
            e.requestSent = true;
        } else {
            new BodyPump(e, tcp, pool.client).start();
        }
    }

    int inFlight() {
        return inFlight.size();
    }

    /** Whether another idempotent request may be pipelined behind those in flight. */
    boolean acceptsPipelined(int depth) {
        if (state != State.BUSY || !reusable || inFlight.size() >= depth) {
            return false;
        }
        for (Exchange e : inFlight) {
            if (!e.request.idempotent() || !e.requestSent || e.streaming()) {
                return false;
            }
        }
        return true;
    }
    // endregion sending

    // region receiving
    @Override
    public void onData(TcpConnection connection, ByteBuffer data) {
        pool.client.received(data.remaining());
        // Parse until the parser needs more bytes: the end of a body is an event of its own,
        // which may come after the last byte has been consumed.
        while (state != State.CLOSED) {
            Exchange e = inFlight.peek();
            if (e == null) {
                if (data.hasRemaining()) {
                    // RFC 9112 §9.3: bytes with no request to answer; the connection is out of step.
                    close(true);
                }
                return;
            }
            if (e.responseBytes < STATUS_PREFIX.length && !startsLikeAResponse(e, data)) {
                return;
            }
            int before = data.position();
            HttpEvent event;
            try {
                event = parser.parse(data);
            } catch (HttpException x) {
                e.responseBytes += data.position() - before;
                malformed(e, x);
                return;
            }
            e.responseBytes += data.position() - before;
            if (event == HttpEvent.NEED_MORE || !handle(e, event, data.hasRemaining())) {
                return;
            }
        }
    }

    /**
     * Whether the first bytes of a response can begin {@code HTTP/1.}. The parser would say so
     * only at the end of the head, and random bytes without a line break have none: they would
     * look like a response cut short instead of what they are.
     */
    private boolean startsLikeAResponse(Exchange e, ByteBuffer data) {
        int p = data.position();
        for (long i = e.responseBytes; i < STATUS_PREFIX.length && p < data.limit(); i++, p++) {
            if (data.get(p) != STATUS_PREFIX[(int) i]) {
                abandon(e, e.failure(Kind.MALFORMED, "malformed response at byte " + i + ": it does not start"
                        + " with HTTP/1. (the server does not speak HTTP/1.x?)", null));
                return false;
            }
        }
        return true;
    }

    /**
     * Passes one parser event to {@code e}; false when the connection was given up.
     * {@code moreBytes}: bytes follow in this read (after a COMPLETE: the next pipelined response).
     */
    private boolean handle(Exchange e, HttpEvent event, boolean moreBytes) {
        switch (event) {
            case HEAD -> {
                if (!e.onHead(parser.head())) {
                    abandon(e, null);
                    return false;
                }
                return true;
            }
            case BODY -> {
                if (!e.onBody(parser.body())) {
                    abandon(e, null);
                    return false;
                }
                return true;
            }
            case COMPLETE -> {
                if (moreBytes && inFlight.size() == 1) {
                    // Bytes after the last response we asked for: the connection is out of step, and
                    // must not carry a new request whose response they would pretend to be.
                    reusable = false;
                }
                completed(e);
                return state != State.CLOSED;
            }
            case NEED_MORE -> throw new AssertionError("handled by the caller");
        }
        throw new AssertionError(event);
    }

    private void completed(Exchange e) {
        inFlight.poll();
        served++;
        if (!parser.head().keepAlive() || !e.requestSent || parser.switchedProtocol()
                || e.request.headers().hasToken("Connection", "close")) {   // RFC 9112 §9.6: our last request
            reusable = false;
        }
        e.onComplete(parser.trailers());
        if (!inFlight.isEmpty()) {
            parser.expectResponseTo(inFlight.peek().request.method());
        } else if (reusable) {
            state = State.IDLE;
            pool.release(this);
        } else {
            close(false);
        }
    }

    private void malformed(Exchange e, HttpException x) {
        Kind kind = x.status() == 413 ? Kind.TOO_LARGE : Kind.MALFORMED;
        String where = kind == Kind.TOO_LARGE ? "response too large: " : "malformed response at byte " + x.offset() + ": ";
        abandon(e, e.failure(kind, where + x.reason(), x));
    }

    @Override
    public void onEndOfStream(TcpConnection connection) {
        Exchange e = inFlight.peek();
        if (e != null && e.state == Exchange.State.BODY) {
            try {
                if (parser.finish() == HttpEvent.COMPLETE) {
                    completed(e);   // a close-delimited body ends here (RFC 9112 §6.3, rule 8)
                }
            } catch (HttpException x) {
                abandon(e, e.failure(Kind.CLOSED, "the server closed the connection after " + e.responseBytes
                        + " bytes of the response: " + x.reason(), x));
                return;
            }
        }
        // Anything still in flight fails in onClose, saying how much of its response came.
        close(!inFlight.isEmpty());
    }

    @Override
    public void onClose(TcpConnection connection, Throwable cause) {
        state = State.CLOSED;
        cancelIdleTimer();
        boolean reused = served > 0;
        while (!inFlight.isEmpty()) {
            inFlight.poll().connectionLost(cause, reused);
        }
        pool.closed(this);
    }
    // endregion receiving

    // region giving up
    /**
     * Gives up the connection because of {@code e}: {@code e} fails with {@code error} ({@code null}
     * when it failed already, or when its reader closed a stream half-read), requests pipelined
     * behind it fail saying why,
     * and the connection is reset, since the server may still be sending.
     */
    void abandon(Exchange e, HttpClientException error) {
        inFlight.remove(e);
        if (error != null) {
            e.fail(error);
        }
        String why = error != null ? error.getMessage() : "an earlier request on it failed";
        while (!inFlight.isEmpty()) {
            Exchange behind = inFlight.poll();
            behind.fail(behind.failure(Kind.CLOSED, "the connection was given up before this pipelined request was"
                    + " answered, because " + why, error));
        }
        close(true);
    }

    /** Fails everything in flight with {@code why}, then closes (the client is closing). */
    void giveUp(Kind kind, String why) {
        while (!inFlight.isEmpty()) {
            Exchange e = inFlight.poll();
            e.fail(e.failure(kind, why, null));
        }
        close(true);
    }

    /** Closes: gracefully (FIN after pending writes), or with an RST when {@code reset}. */
    void close(boolean reset) {
        if (state == State.CLOSED) {
            return;
        }
        reusable = false;
        if (reset) {
            tcp.abort();
        } else {
            tcp.close();
        }
    }
    // endregion giving up

    // region pool
    void startIdleTimer() {
        cancelIdleTimer();
        idleTimer = pool.client.loop().schedule(pool.client.config().idleTimeout(), () -> close(false));
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel();
            idleTimer = null;
        }
    }

    boolean isIdle() {
        return state == State.IDLE && tcp.isOpen();
    }

    void pauseReading() {
        tcp.pauseReading();
    }

    void resumeReading() {
        tcp.resumeReading();
    }

    @Override
    public String toString() {
        return "ClientConnection[" + tcp + ", " + state + ", " + inFlight.size() + " in flight]";
    }
    // endregion pool
}
