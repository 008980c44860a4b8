package io.rawloop.server;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.Callable;

/**
 * Answers a request, in one of two styles, both first-class:
 * <ul>
 *   <li>promise style: return a {@link Promise} of the response, completed on the loop;</li>
 *   <li>coroutine style ({@link #coroutine}): straight-line code that may {@code await}.</li>
 * </ul>
 * Either way the handler runs on the connection's loop thread and must not block it.
 */
@FunctionalInterface
public interface Handler {

    /** Answers {@code request}; {@code loop} is the connection's loop. */
    Promise<Response> handle(Request request, EventLoop loop);

    /**
     * A handler that answers at once, from a plain function. The server calls the function
     * directly and sends what it returns, with no promise in between (also behind a {@link Router}).
     */
    static Handler of(java.util.function.Function<Request, Response> answer) {
        return new AtOnce(answer);
    }

    /** Coroutine style: {@code body} runs as a coroutine and may await promises, sleep, read. */
    static Handler coroutine(CoroutineBody body) {
        return (request, loop) -> loop.spawn(() -> body.handle(request));
    }

    /** The body of a coroutine-style handler. */
    @FunctionalInterface
    interface CoroutineBody {
        /** Answers {@code request}; may suspend with {@code Coroutine.await}. */
        Response handle(Request request) throws Exception;
    }

    /** For a {@link Callable} that needs no request. */
    static Handler coroutine(Callable<Response> body) {
        return coroutine(request -> body.call());
    }
}
