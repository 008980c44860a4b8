package io.rawloop.loop;

import io.rawloop.loop.Coroutine.Suspension;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * One coroutine: its continuation and its state, in one object that is also its own wake-up
 * (promise listener, timer callback, ready-queue entry) and its task's cancel handler, so a
 * suspended coroutine holds little more than its frames. Every use of {@code jdk.internal.vm}
 * is in here, so a JVM without the export flag fails in {@link Coroutine#spawn} with our message.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   NEW ──first turn──▶ RUNNING ◀──its wake-up── SUSPENDED
 *    │                    │  └──await / sleep / yieldNow──▲
 *    │                    └──body returns or throws──▶ DONE
 *    └──cancelled before its first turn (never runs)──▶ DONE
 * </pre>
 */
final class Fiber<T> extends Continuation
        implements BiConsumer<Object, Throwable>, Consumer<CancellationException> {

    /** Where a coroutine is in its life; see the class comment. */
    enum State { NEW, RUNNING, SUSPENDED, DONE }

    private static final ContinuationScope SCOPE = new ContinuationScope("rawloop-coroutine");
    /** Every fiber's continuation body: shared, so a coroutine allocates no Runnable for it. */
    private static final Runnable ENTRY = () -> current().runBody();

    final EventLoop loop;
    final Promise<T> task;
    private final Callable<T> body;
    private State state = State.NEW;
    private Suspension suspension;
    /** While suspended on AWAIT: the promise this fiber listens to. */
    Promise<?> awaited;
    /** While suspended on SLEEP: the timer that will wake it. */
    Timer timer;
    /** Counts yieldNow calls: a queued wake-up of a yield that was refused finds it stale. */
    int yields;
    private CancellationException cancelRequest;
    private Pinned pinnedBy;

    Fiber(EventLoop loop, Callable<T> body) {
        super(SCOPE, ENTRY);
        this.loop = loop;
        this.body = body;
        this.task = new Promise<>(loop);
        task.handleCancelRequests(this);
        if (loop.debug != null) {
            loop.debug.spawned(this, body);
        }
    }

    static Fiber<?> current() {
        return Continuation.getCurrentContinuation(SCOPE) instanceof Fiber<?> f ? f : null;
    }

    // region running
    /** The continuation's body: runs the user's code and settles the task with its outcome. */
    private void runBody() {
        T value;
        try {
            value = body.call();
        } catch (Throwable failure) {
            state = State.DONE;
            task.fail(failure);
            return;
        }
        state = State.DONE;
        task.complete(value);
    }

    /** The first turn. */
    void start() {
        if (state == State.NEW) {
            step();
        }
    }

    /** The wake-up of a SLEEP (the timer's callback), or of a cancelled sleep. */
    void wakeUp() {
        if (state == State.SUSPENDED) {
            step();
        }
    }

    /** The wake-up of a YIELD: the ready-queue entry of yield number {@code ticket}. */
    void wakeFromYield(int ticket) {
        if (ticket == yields && suspension == Suspension.YIELD) {
            step();
        }
    }

    /** The wake-up of an AWAIT (as the awaited promise's listener). */
    @Override
    public void accept(Object value, Throwable failure) {
        if (state == State.SUSPENDED) {
            step();   // await() reads the outcome from the promise itself
        }
    }

    /** The one place a coroutine runs. */
    private void step() {
        if (loop.debug != null) {
            loop.debug.stepping(this);
        }
        state = State.RUNNING;
        super.run();   // returns at the next yield, or when the body is done
    }
    // endregion running

    // region suspending
    void checkCanSuspend() {
        CancellationException pending = cancelRequest;
        if (pending != null) {
            cancelRequest = null;   // delivered once; awaits in finally blocks then work
            throw pending;
        }
        if (MonitorCheck.coroutineHoldsMonitor()) {
            throw pinnedError("inside a synchronized block or method");
        }
    }

    // region suspend
    /** Yields to the loop; returns once the wake-up has run, throwing a cancellation if asked. */
    void suspend(Suspension reason) {
        state = State.SUSPENDED;
        suspension = reason;
        boolean yielded = Continuation.yield(SCOPE);
        state = State.RUNNING;
        suspension = null;
        if (!yielded) {
            withdrawWakeUp(reason);   // we never left: the wake-up must not fire later
            throw pinnedError(pinnedWhere());
        }
        awaited = null;
        timer = null;
        CancellationException cancelled = cancelRequest;
        if (cancelled != null) {
            cancelRequest = null;
            throw cancelled;
        }
    }
    // endregion suspend

    private void withdrawWakeUp(Suspension reason) {
        switch (reason) {
            case AWAIT -> awaited.removeListener(this);
            case SLEEP -> timer.cancel();
            case YIELD -> yields++;   // the queued entry now carries a stale ticket
        }
        awaited = null;
        timer = null;
    }

    @Override
    protected void onPinned(Pinned reason) {
        // The default throws IllegalStateException("Pinned: NATIVE") from inside yield.
        // Record why; suspend() turns it into an error that says what to do.
        pinnedBy = reason;
    }

    private String pinnedWhere() {
        return pinnedBy == null ? "where the JDK cannot suspend it" : switch (pinnedBy) {
            case MONITOR -> "inside a synchronized block or method";
            case NATIVE -> "inside a native frame (a call from native code back into Java)";
            case CRITICAL_SECTION -> "inside a JDK critical section";
            case EXCEPTION -> "while an exception is being thrown";
        };
    }

    private static IllegalStateException pinnedError(String where) {
        return new IllegalStateException("a coroutine cannot suspend " + where + " (it is pinned to the thread);"
                + " move the await out of it. Awaiting while holding a monitor would let the loop thread"
                + " run other code that needs it, and deadlock.");
    }
    // endregion suspending

    // region cancelling
    /** The task's cancel(): the request of the class comment; replaces the wake-up, never adds one. */
    @Override
    public void accept(CancellationException request) {
        switch (state) {
            case NEW -> {
                state = State.DONE;   // never runs
                task.fail(request);
            }
            case RUNNING -> cancelRequest = request;   // delivered at its next suspension
            case SUSPENDED -> {
                if (cancelRequest != null) {
                    return;   // already on its way
                }
                cancelRequest = request;
                switch (suspension) {
                    case AWAIT -> awaited.cancel(request.getCause());   // its listener (us) fires
                    case SLEEP -> {
                        timer.cancel();
                        loop.callSoon(this::wakeUp);
                    }
                    case YIELD -> {
                        // already queued: it will deliver the cancellation
                    }
                }
            }
            case DONE -> {
                // settled already; nothing to stop
            }
        }
    }
    // endregion cancelling

    static Exception asException(Throwable failure) {
        if (failure instanceof Exception e) {
            return e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("promise failed with a Throwable that is neither Exception nor Error", failure);
    }

    @Override
    public String toString() {
        return "Coroutine[" + state + (suspension != null ? " on " + suspension : "") + "]";
    }
}
