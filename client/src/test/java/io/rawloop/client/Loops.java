package io.rawloop.client;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Test helpers: run something on a started loop and wait for its promise, with a deadline. */
final class Loops {

    private Loops() {
    }

    /** Runs {@code action} on the loop, then waits (at most 30 s) for the promise it returns. */
    static <T> T await(EventLoop loop, Callable<Promise<T>> action) throws Exception {
        try {
            return loop.submit(() -> action.call().toCompletableFuture()).get(30, TimeUnit.SECONDS)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Runs {@code action} on the loop and returns its value. */
    static <T> T on(EventLoop loop, Callable<T> action) throws Exception {
        return loop.submit(action).get(30, TimeUnit.SECONDS);
    }
}
