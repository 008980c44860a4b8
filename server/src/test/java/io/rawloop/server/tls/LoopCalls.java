package io.rawloop.server.tls;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A test's thread calling onto a client's loop, each call waited for at most 30 s. */
final class LoopCalls {

    private LoopCalls() {
    }

    /** Runs {@code call} on {@code loop}; its value. */
    static <T> T onLoop(EventLoop loop, Callable<T> call) throws Exception {
        return loop.submit(call).get(30, TimeUnit.SECONDS);
    }

    /** Makes a promise on {@code loop} and waits for it; its value, or its failure thrown as it is. */
    static <T> T await(EventLoop loop, Callable<Promise<T>> call) throws Exception {
        try {
            return onLoop(loop, () -> call.call().toCompletableFuture()).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
