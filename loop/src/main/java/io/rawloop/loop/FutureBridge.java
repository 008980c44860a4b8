package io.rawloop.loop;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;

/**
 * Between a loop-confined {@link Promise} and the CompletableFutures of other threads, both ways:
 * every crossing goes through {@link EventLoop#execute}, the loop's one thread-safe door.
 */
final class FutureBridge {

    private FutureBridge() {
    }

    /** See {@link Promise#toCompletableFuture()}. */
    static <T> CompletableFuture<T> toCompletableFuture(Promise<T> promise) {
        CompletableFuture<T> future = new CompletableFuture<>();
        try {
            promise.loop().execute(() -> promise.onComplete((v, f) -> {
                if (f == null) {
                    future.complete(v);
                } else {
                    future.completeExceptionally(f);
                }
            }));
        } catch (RejectedExecutionException closed) {
            future.completeExceptionally(closed);   // the loop is gone: this promise can never settle now
            return future;
        }
        future.whenComplete((v, f) -> {
            if (f instanceof CancellationException && !promise.isDone()) {
                try {
                    promise.loop().execute(promise::cancel);
                } catch (RejectedExecutionException closed) {
                    // the loop is gone; nothing is left to cancel
                }
            }
        });
        return future;
    }

    /** See {@link Promise#fromCompletionStage}. */
    static <T> Promise<T> fromCompletionStage(EventLoop loop, CompletionStage<T> stage) {
        Promise<T> promise = new Promise<>(loop);
        stage.whenComplete((v, f) -> {
            Throwable cause = f instanceof CompletionException && f.getCause() != null ? f.getCause() : f;
            loop.execute(() -> promise.settleFrom(v, cause));
        });
        return promise;
    }

    /** {@link EventLoop#submit}: runs {@code call} on the loop, its outcome goes to a CompletableFuture. */
    static <T> CompletableFuture<T> submit(EventLoop loop, Callable<T> call) {
        Objects.requireNonNull(call, "call");
        CompletableFuture<T> result = new CompletableFuture<>();
        loop.execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }
}
