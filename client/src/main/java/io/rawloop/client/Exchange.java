package io.rawloop.client;

import io.rawloop.client.HttpClientException.Kind;
import io.rawloop.http.Headers;
import io.rawloop.http.ResponseHead;
import io.rawloop.loop.IoErrors;
import io.rawloop.loop.Timer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import javax.net.ssl.SSLException;

/**
 * One request and its response on one connection: a {@link Call} makes one per attempt (a retry,
 * a redirect hop). It hears the parser's events from its {@link ClientConnection} and turns them
 * into a response, whole or streamed.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   WAITING ──given a connection──▶ SENT ──head──▶ BODY ──body complete──▶ DONE
 *      │                             │              │
 *      └──── timeout, cancel, connection lost, malformed, too large ──────▶ FAILED
 * </pre>
 * WAITING: in its host pool's queue until a connection is free (or opened for it). SENT: the
 * request head is written (a streamed body may still be going out); the response-header timer
 * runs. BODY: the head has arrived; the body is being collected or streamed.
 */
final class Exchange {

    enum State { WAITING, SENT, BODY, DONE, FAILED }

    final Call call;
    final HttpRequest request;
    /** Whether the call reads the body as a stream; a redirect being followed is read whole. */
    private boolean streaming;
    State state = State.WAITING;
    /** True while a connection is being opened on this exchange's behalf. */
    boolean opening;
    ClientConnection connection;
    /** Whether the request (head and body) has been handed to the connection in full. */
    boolean requestSent;
    /** Response bytes seen: none means a failure may be retried on a fresh connection. */
    long responseBytes;
    private Timer headTimer;
    private ResponseHead head;
    private byte[] body = new byte[0];
    private int bodyLength;
    private ResponseStream stream;

    Exchange(Call call, HttpRequest request, boolean streaming) {
        this.call = call;
        this.request = request;
        this.streaming = streaming;
    }

    /** The connection took the request: start waiting for its head. */
    void sent(ClientConnection on) {
        connection = on;
        state = State.SENT;
        headTimer = call.client.loop().schedule(call.client.config().headerTimeout(), () -> {
            long ms = call.client.config().headerTimeout().toMillis();
            on.abandon(this, failure(Kind.HEADER_TIMEOUT, "no response head within " + ms
                    + " ms of sending the request (response-header timeout)", null));
        });
    }

    /** The head arrived. Returns false when it refuses the response (too large): the connection must go. */
    boolean onHead(ResponseHead received) {
        cancelHeadTimer();
        head = received;
        state = State.BODY;
        long cap = call.client.config().maxResponseBytes();
        if (streaming && call.follows(received)) {
            streaming = false;   // a redirect about to be followed: its body is read and dropped
        }
        if (streaming) {
            stream = new ResponseStream(this, received);
            call.onStream(this, stream);
        } else if (received.contentLength() > cap) {
            fail(failure(Kind.TOO_LARGE, "response body of " + received.contentLength()
                    + " bytes (Content-Length) is larger than the cap of " + cap + " bytes", null));
            return false;
        }
        return true;
    }

    /** A piece of the body (a slice of the loop's read buffer). False when the cap is exceeded. */
    boolean onBody(ByteBuffer piece) {
        int n = piece.remaining();
        if (stream != null) {
            stream.offer(piece);
            return true;
        }
        long cap = call.client.config().maxResponseBytes();
        if ((long) bodyLength + n > cap) {
            fail(failure(Kind.TOO_LARGE, "response body is larger than the cap of " + cap + " bytes (more than "
                    + bodyLength + " bytes arrived)", null));
            return false;
        }
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.max(bodyLength + n, Math.max(256, body.length * 2)));
        }
        piece.get(body, bodyLength, n);
        bodyLength += n;
        return true;
    }

    /** The response is complete. */
    void onComplete(Headers trailers) {
        state = State.DONE;
        if (stream != null) {
            stream.end();   // the caller holds the stream already: nothing more for the call to do
            return;
        }
        byte[] bytes = bodyLength == body.length ? body : Arrays.copyOf(body, bodyLength);
        call.onResponse(this, new HttpResponse(request.uri(), head.version(), head.status(), head.reason(),
                head.headers(), bytes, trailers));
    }

    /** Ends the exchange with {@code error} (once). */
    void fail(HttpClientException error) {
        if (state == State.DONE || state == State.FAILED) {
            return;
        }
        state = State.FAILED;
        cancelHeadTimer();
        if (stream != null) {
            stream.fail(error);
        }
        call.onFailure(this, error);
    }

    /** The connection went away under this exchange: closed or reset, with what was seen so far. */
    void connectionLost(Throwable cause, boolean reused) {
        String progress = responseBytes == 0 ? "before any byte of the response"
                : "after " + responseBytes + " bytes of the response";
        Kind kind = cause == null ? Kind.CLOSED : Kind.RESET;
        String what = cause == null ? "the server closed the connection " + progress
                : "the connection was reset " + progress + " (" + IoErrors.reason(cause) + ")";
        HttpClientException error = cause instanceof SSLException tls ? TlsFailure.of(this, tls, progress)
                : failure(kind, what, cause);
        // A kept-alive connection the server closed just as we reused it: the request was not
        // processed, and an idempotent one may go again (RFC 9112 §9.3.1).
        if (reused && responseBytes == 0 && request.idempotent() && call.retry(this, error)) {
            state = State.FAILED;
            cancelHeadTimer();
            return;
        }
        fail(error);
    }

    boolean finished() {
        return state == State.DONE || state == State.FAILED;
    }

    /** Whether the caller asked for a stream (decided before any connection is chosen). */
    boolean streamingWanted() {
        return streaming;
    }

    /** Whether the body is being streamed to the caller now. */
    boolean streaming() {
        return stream != null;
    }

    ResponseHead head() {
        return head;
    }

    HttpClientException failure(Kind kind, String what, Throwable cause) {
        return new HttpClientException(kind, request.method(), request.uri(), what, cause);
    }

    private void cancelHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel();
            headTimer = null;
        }
    }

}
