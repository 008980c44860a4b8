package io.rawloop.server;

import io.rawloop.loop.Promise;
import io.rawloop.loop.Timer;

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
