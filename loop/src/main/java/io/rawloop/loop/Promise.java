package io.rawloop.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A value that is not there yet, owned by one {@link EventLoop}: asyncio's Future.
 *
 * <h2>States</h2>
 * <pre>
 *   PENDING ──complete(v)──▶ SUCCEEDED
 *      │ ───fail(t)──────▶ FAILED
 *      └────cancel()─────▶ CANCELLED   (a failure whose exception is a CancellationException)
 * </pre>
 * A promise settles once; later attempts return false and change nothing.
 *
 * <h2>How it differs from {@link CompletableFuture}</h2>
 * <ul>
 *   <li><b>Loop-confined.</b> Completing, listening and combining happen on the loop thread; no
 *       volatile, no CAS, no locks. Other threads go through {@link #completeFromAnyThread},
 *       {@link #failFromAnyThread} and {@link #toCompletableFuture()}.</li>
 *   <li><b>Listeners never run re-entrantly.</b> {@link #complete} only queues the listeners; they
 *       run in a later phase 5 of the loop, in the order they were added. A listener added to a
 *       settled promise is queued the same way. CompletableFuture runs them inside
 *       {@code complete}, on whichever thread calls it, which is how stacks grow deep and locks
 *       get taken twice.</li>
 *   <li><b>No blocking get.</b> There is nothing to block on the loop thread; use a listener, a
 *       coroutine's await, or {@link EventLoop#runUntilComplete} in a test.</li>
 *   <li><b>Cancellation propagates to the source.</b> Cancelling a promise made by {@link #map},
 *       {@link #flatMap}, {@link #withTimeout}, {@link #all} or {@link #any} cancels what it waits
 *       on, as cancelling an asyncio task cancels the await it is suspended in. Producers hear of
 *       cancellation through {@link #onCancel} and stop the work (a timer, a read).</li>
 *   <li><b>Failures are not wrapped.</b> Listeners see the exception the producer failed with,
 *       never a CompletionException around it.</li>
 * </ul>
 *
 * @param <T> the type of the value
 */
public final class Promise<T> {

    /** Where a promise is in its life; see the class comment. */
    public enum State { PENDING, SUCCEEDED, FAILED, CANCELLED }

    private final EventLoop loop;
    private State state = State.PENDING;
    private T value;
    private Throwable failure;
    /** Null, one listener, or an ArrayList of them: most promises have exactly one. */
    private Object listeners;
    private List<Runnable> cancelHooks;
    /** Set by a coroutine's task: cancel() asks it to unwind instead of settling at once. */
    private Consumer<CancellationException> cancelRequestHandler;

    /** A pending promise on {@code loop}; {@link EventLoop#newPromise()} says the same. */
    public Promise(EventLoop loop) {
        this.loop = Objects.requireNonNull(loop, "loop");
    }

    /** An already succeeded promise. */
    public static <T> Promise<T> succeeded(EventLoop loop, T value) {
        Promise<T> p = new Promise<>(loop);
        p.complete(value);
        return p;
    }

    /** An already failed promise. */
    public static <T> Promise<T> failed(EventLoop loop, Throwable failure) {
        Promise<T> p = new Promise<>(loop);
        p.fail(failure);
        return p;
    }

    // region settling
    /** Succeeds with {@code value}; false if already settled. Loop thread. */
    public boolean complete(T value) {
        loop.checkInLoop("Promise.complete");
        if (state != State.PENDING) {
            return false;
        }
        this.value = value;
        settle(State.SUCCEEDED);
        return true;
    }

    /** Fails with {@code failure}; false if already settled. Loop thread. */
    public boolean fail(Throwable failure) {
        Objects.requireNonNull(failure, "failure");
        loop.checkInLoop("Promise.fail");
        if (state != State.PENDING) {
            return false;
        }
        this.failure = failure;
        if (loop.debug != null && listeners == null && !(failure instanceof CancellationException)) {
            loop.debug.failedUnheard(this, failure);   // logged if dropped unheard: see LoopDebug
        }
        settle(failure instanceof CancellationException ? State.CANCELLED : State.FAILED);
        return true;
    }

    /** Cancels a pending promise; false if already settled. Loop thread. */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels a pending promise, saying why: the failure is a {@link CancellationException}
     * whose cause is {@code cause} (a {@link TimeoutException} for a timeout). Loop thread.
     */
    public boolean cancel(Throwable cause) {
        CancellationException cancelled = new CancellationException(
                cause == null ? "cancelled" : "cancelled: " + cause.getMessage());
        if (cause != null) {
            cancelled.initCause(cause);
        }
        if (cancelRequestHandler != null && state == State.PENDING) {
            // A coroutine's task: the request is delivered at its await; the task settles as
            // cancelled once the coroutine has unwound (its finally blocks have run).
            loop.checkInLoop("Promise.cancel");
            cancelRequestHandler.accept(cancelled);
            return true;
        }
        return fail(cancelled);
    }

    /** Makes {@link #cancel} a request handled by {@code handler} (the coroutine behind a task). */
    void handleCancelRequests(Consumer<CancellationException> handler) {
        this.cancelRequestHandler = handler;
    }

    /** {@link #complete} from any thread, through {@link EventLoop#execute}. */
    public void completeFromAnyThread(T value) {
        loop.execute(() -> complete(value));
    }

    /** {@link #fail} from any thread, through {@link EventLoop#execute}. */
    public void failFromAnyThread(Throwable failure) {
        loop.execute(() -> fail(failure));
    }

    // region settle
    private void settle(State outcome) {
        state = outcome;
        cancelRequestHandler = null;
        if (outcome == State.CANCELLED && cancelHooks != null) {
            // Producers' clean-up (cancel a timer, stop a read) happens now, not a turn later.
            List<Runnable> hooks = cancelHooks;
            cancelHooks = null;
            hooks.forEach(Runnable::run);
        }
        cancelHooks = null;
        Object l = listeners;
        listeners = null;
        if (l instanceof ArrayList<?> many) {
            for (Object one : many) {
                queue(one);
            }
        } else if (l != null) {
            queue(l);
        }
    }

    @SuppressWarnings("unchecked") // listeners holds only BiConsumer<? super T, ? super Throwable>
    private void queue(Object listener) {
        BiConsumer<? super T, ? super Throwable> l = (BiConsumer<? super T, ? super Throwable>) listener;
        T v = value;
        Throwable f = failure;
        loop.enqueue(() -> l.accept(v, f));
    // endregion settle
    }
    // endregion settling

    // region listening
    /**
     * Calls {@code listener} with (value, null) or (null, failure) once the promise settles,
     * from the loop's ready queue, never from inside this call. Loop thread.
     */
    public Promise<T> onComplete(BiConsumer<? super T, ? super Throwable> listener) {
        Objects.requireNonNull(listener, "listener");
        loop.checkInLoop("Promise.onComplete");
        if (state != State.PENDING) {
            heard();
            queue(listener);
        } else if (listeners == null) {
            listeners = listener;
        } else if (listeners instanceof ArrayList<?> many) {
            @SuppressWarnings("unchecked") // only listeners go in there
            ArrayList<Object> list = (ArrayList<Object>) many;
            list.add(listener);
        } else {
            listeners = new ArrayList<>(Arrays.asList(listeners, listener));
        }
        return this;
    }

    /** Withdraws a listener added with {@link #onComplete} that has not been queued yet. */
    void removeListener(Object listener) {
        if (listeners == listener) {
            listeners = null;
        } else if (listeners instanceof ArrayList<?> many) {
            many.remove(listener);
        }
    }

    /**
     * For producers: runs {@code hook} synchronously when this promise is cancelled, so the
     * work behind it stops at once (a timer, a pending read). Not called on success or failure.
     */
    public Promise<T> onCancel(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        loop.checkInLoop("Promise.onCancel");
        if (state == State.CANCELLED) {
            hook.run();
        } else if (state == State.PENDING) {
            if (cancelHooks == null) {
                cancelHooks = new ArrayList<>(2);
            }
            cancelHooks.add(hook);
        }
        return this;
    }
    // endregion listening

    // region inspecting
    /** The current state. */
    public State state() {
        return state;
    }

    /** True once settled: succeeded, failed or cancelled. */
    public boolean isDone() {
        return state != State.PENDING;
    }

    /** True if settled by cancellation. */
    public boolean isCancelled() {
        return state == State.CANCELLED;
    }

    /** True if settled with a value. */
    public boolean isSucceeded() {
        return state == State.SUCCEEDED;
    }

    /**
     * The value of a succeeded promise. A failed one throws its failure: unchecked exceptions
     * as they are, checked ones inside a {@link CompletionException}.
     *
     * @throws IllegalStateException if still pending
     */
    public T resultNow() {
        if (state == State.PENDING) {
            throw new IllegalStateException("promise is still pending");
        }
        if (state == State.SUCCEEDED) {
            return value;
        }
        heard();
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new CompletionException(failure);
    }

    /** The failure of a failed or cancelled promise, or null. */
    public Throwable failureNow() {
        heard();
        return failure;
    }

    /** In debug mode: somebody looked at the outcome, so a failure was not dropped unheard. */
    private void heard() {
        if (loop.debug != null && failure != null) {
            loop.debug.heard(this);
        }
    }

    /** The loop this promise belongs to. */
    public EventLoop loop() {
        return loop;
    }
    // endregion inspecting

    // region combinators
    /** A promise of {@code fn(value)}; a failure, or {@code fn} throwing, fails it. */
    public <U> Promise<U> map(Function<? super T, ? extends U> fn) {
        return Combinators.map(this, fn);
    }

    /** A promise of the promise {@code fn(value)} returns: asynchronous steps in sequence. */
    public <U> Promise<U> flatMap(Function<? super T, Promise<U>> fn) {
        return Combinators.flatMap(this, fn);
    }

    /**
     * This promise's outcome if it settles within {@code timeout} on the loop's clock; otherwise
     * the result fails with a {@link TimeoutException} and this promise is cancelled with that
     * timeout as the cause (asyncio's wait_for).
     */
    public Promise<T> withTimeout(Duration timeout) {
        return Combinators.withTimeout(this, timeout);
    }

    /**
     * A promise of every value, in the order given (asyncio's gather). Fails with the first
     * failure; cancelling it cancels every input.
     */
    public static <T> Promise<List<T>> all(EventLoop loop, List<Promise<T>> promises) {
        return Combinators.all(loop, promises);
    }

    /**
     * The value of the first input to succeed; the others are then cancelled. Fails only when
     * every input has failed, with the last failure (the earlier ones attached as suppressed).
     */
    public static <T> Promise<T> any(EventLoop loop, List<Promise<T>> promises) {
        return Combinators.any(loop, promises);
    }

    /**
     * The outcome of the first input to settle, success or failure (asyncio's
     * wait(FIRST_COMPLETED)); the others are then cancelled.
     */
    public static <T> Promise<T> race(EventLoop loop, List<Promise<T>> promises) {
        return Combinators.race(loop, promises);
    }

    /** A promise on the same loop whose cancellation cancels this one. */
    <U> Promise<U> derived() {
        Promise<U> result = new Promise<>(loop);
        result.onCancel(this::cancel);
        return result;
    }

    /** Settles as {@code v} or {@code f} say (f null: success). */
    void settleFrom(T v, Throwable f) {
        if (f == null) {
            complete(v);
        } else {
            fail(f);
        }
    }
    // endregion combinators

    // region bridges
    /**
     * A CompletableFuture that other threads may block on or compose; completed from the loop.
     * Cancelling it cancels this promise (through {@link EventLoop#execute}). On a closed loop it
     * fails at once with a {@link RejectedExecutionException}. Any thread.
     */
    public CompletableFuture<T> toCompletableFuture() {
        return FutureBridge.toCompletableFuture(this);
    }

    /** A promise on {@code loop} that settles, on the loop, when {@code stage} does. Any thread. */
    public static <T> Promise<T> fromCompletionStage(EventLoop loop, CompletionStage<T> stage) {
        return FutureBridge.fromCompletionStage(loop, stage);
    }
    // endregion bridges

    @Override
    public String toString() {
        return switch (state) {
            case PENDING -> "Promise[pending]";
            case SUCCEEDED -> "Promise[succeeded: " + value + "]";
            case FAILED, CANCELLED -> "Promise[" + state.name().toLowerCase(Locale.ROOT) + ": " + failure + "]";
        };
    }
}
