package io.rawloop.server;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Log;
import io.rawloop.loop.Promise;
import io.rawloop.loop.Timer;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * The server's side of one HTTP exchange: a request read from a connection and, once the
 * handler answers, its response. Exchanges wait in their connection's {@link ResponseWriter} in
 * the order the requests came.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   HANDLING (answer pending; a deadline timer unless answered at once)
 *     ──answered, or the deadline's 503──▶ ANSWERED (response set; waits for those in front)
 *     ──at the front──▶ WRITTEN (queued on the connection, or streaming) ──▶ gone
 * </pre>
 * A rejection (a malformed request, a timeout) is an exchange with no request, answered at birth.
 */
final class ServerExchange {

    private static final System.Logger LOG = System.getLogger("io.rawloop.server");

    /** The request, or null for a rejection. */
    final Request request;
    /** Whether the request allows the connection to carry on after this exchange. */
    final boolean keepAlive;
    /** The handler's promise, once dispatched. */
    Promise<Response> answer;
    /** The answer, once there is one: set exactly once. */
    Response response;
    /** The response timeout of a handler that did not answer at once. */
    Timer deadline;

    ServerExchange(Request request, boolean keepAlive) {
        this.request = request;
        this.keepAlive = keepAlive;
    }

    /** A rejection: no request, answered with {@code response}; the connection closes after it. */
    static ServerExchange rejection(Response response) {
        ServerExchange exchange = new ServerExchange(null, false);
        exchange.response = response;
        return exchange;
    }

    // region awaitAnswer
    /**
     * A handler that did not answer at once: its answer goes to {@code responses} when it comes,
     * or a 503 at the response timeout (and the handler's promise is cancelled), whichever is first.
     */
    void awaitAnswer(EventLoop loop, Duration timeout, ResponseWriter responses) {
        deadline = loop.schedule(timeout, () -> {
            answer.cancel(new TimeoutException("no answer within " + timeout.toMillis() + " ms"));
            responses.answered(this, Response.error(503, "the handler did not answer within " + timeout.toMillis() + " ms"));
        });
        answer.onComplete((response, failure) -> {
            deadline.cancel();
            responses.answered(this, failure == null ? response : failureResponse(failure));
        });
    }
    // endregion awaitAnswer

    /** The answer to a handler that failed: its HttpError, 503 when cancelled, else a logged 500. */
    Response failureResponse(Throwable failure) {
        if (failure instanceof HttpError error) {
            return Response.error(error.status(), error.getMessage());
        }
        if (failure instanceof CancellationException) {
            return Response.error(503, "the request was cancelled");
        }
        // Through Log, which never throws: whatever happens to logging, the 500 must go out.
        Log.log(LOG, System.Logger.Level.ERROR, "handler failed for " + request, failure);
        return Response.error(500, "the handler failed; the server log has the details");
    }

    /** The connection closed first: stop the handler's work, and close a file never to be sent. */
    void abandon() {
        if (deadline != null) {
            deadline.cancel();
        }
        if (answer != null) {
            answer.cancel();
        }
        if (response != null) {
            response.release();
        }
    }
}
