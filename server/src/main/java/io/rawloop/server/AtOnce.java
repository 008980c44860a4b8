package io.rawloop.server;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.Objects;
import java.util.function.Function;

/**
 * A handler made by {@link Handler#of}: a plain function from request to response. Called through
 * {@link #handle} it answers with a settled promise, as every handler does; but the server knows
 * this kind and calls {@link #answer} instead, so that the response goes out with no promise made
 * only to be taken apart again (one object fewer per request, on the path most requests take).
 */
final class AtOnce implements Handler {

    private final Function<Request, Response> function;

    AtOnce(Function<Request, Response> function) {
        this.function = Objects.requireNonNull(function, "function");
    }

    /** The function's response; a null one is the handler's mistake, answered as a 500 and logged. */
    Response answer(Request request) {
        return Objects.requireNonNull(function.apply(request), "the handler answered null");
    }

    @Override
    public Promise<Response> handle(Request request, EventLoop loop) {
        return Promise.succeeded(loop, answer(request));
    }

    /**
     * The handler that will answer {@code request}: {@code handler} itself, or, through any
     * routers, the route's. Routing first lets the server see a {@code Handler.of} behind a router.
     */
    static Handler resolve(Handler handler, Request request) {
        while (handler instanceof Router router) {
            handler = router.resolve(request);
        }
        return handler;
    }
}
