package io.rawloop.server;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;

/**
 * In the loops' debug mode, the server's handler tells the loop which request each callback is
 * handling ({@link EventLoop#describeCallback}), so that a slow one is logged as
 * {@code slow callback: 212 ms in GET /cpu?n=50000000 on rawloop-server-1}; a coroutine the
 * handler spawns inherits the name. Only installed in debug mode: off, requests pay nothing.
 */
final class DescribedHandler implements Handler {

    private final Handler handler;

    DescribedHandler(Handler handler) {
        this.handler = handler;
    }

    @Override
    public Promise<Response> handle(Request request, EventLoop loop) {
        loop.describeCallback(request.method() + " " + request.target());
        return handler.handle(request, loop);
    }
}
