package io.rawloop.loop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * Straight-line code that waits without blocking: asyncio's {@code async def} and {@code await},
 * on the loop thread, built on the JDK's own continuations.
 *
 * <pre>{@code
 * loop.spawn(() -> {
 *     TcpConnection c = Coroutine.await(TcpConnection.connect(loop, address, Duration.ofSeconds(5)));
 *     Coroutine.await(c.send(request));
 *     ByteBuffer answer = Coroutine.await(c.read());
 *     Coroutine.sleep(Duration.ofMillis(100));
 *     return answer;
 * });
 * }</pre>
 *
 * <h2>How it works</h2>
 * A {@code jdk.internal.vm.Continuation} is the machinery under virtual threads, without the
 * scheduler: {@code run()} runs a body until it calls {@code Continuation.yield}, which saves its
 * stack frames to the heap and returns from {@code run()}; the next {@code run()} puts them back
 * and carries on after the yield. Here the scheduler is the event loop: {@link #await} arranges a
 * wake-up (a listener on the promise), then yields; the wake-up runs in phase 5 of a later turn and
 * calls {@code run()} again. Nothing else in rawloop touches {@code jdk.internal.vm}.
 *
 * <h2>Why a coroutine is suspended: the closed set</h2>
 * See {@link Suspension}. Invariant: a suspended coroutine is referenced by exactly one live
 * wake-up (a promise listener, a timer, or a ready-queue entry). Every wake-up carries the
 * suspension's generation number, so one that is no longer live (the promise completed after a
 * cancellation already woke the coroutine) finds a newer generation and does nothing. Only
 * {@code step()} resumes the continuation, and only from NEW or SUSPENDED: resuming a
 * coroutine that is running, or from inside itself, cannot be expressed.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   NEW ──first turn──▶ RUNNING ◀──wake-up── SUSPENDED
 *    │                    │  └──await/sleep/yieldNow──▲
 *    │                    └──body returns or throws──▶ DONE
 *    └──cancelled before its first turn (never runs)──▶ DONE
 * </pre>
 *
 * <h2>Cancellation</h2>
 * The task that {@link #spawn} returns is a {@link Promise}; its {@code cancel()} is a request,
 * as in asyncio: a {@link CancellationException} is thrown at the coroutine's current await (or its
 * next one, if it is running), finally blocks run, and the task settles as cancelled when the
 * body has unwound. The promise the coroutine was awaiting is cancelled too. A timeout is a
 * cancellation whose cause is a {@link TimeoutException}.
 *
 * <h2>Traps</h2>
 * <ul>
 *   <li><b>Never await inside {@code synchronized}.</b> On JDK 25 a continuation does yield while
 *       holding a monitor; the loop thread then goes on running other callbacks that may need
 *       that monitor, and it is held by a coroutine that only the loop thread can resume: a
 *       deadlock. With assertions enabled ({@code -ea}, as in tests) every suspension checks
 *       and refuses; the check is too costly to leave on in production (see
 *       {@code MonitorCheck}).</li>
 *   <li><b>Native frames and critical sections cannot be suspended.</b> There
 *       {@code Continuation.yield} fails; await throws an {@link IllegalStateException}
 *       saying so instead of the JDK's bare "Pinned: NATIVE".</li>
 *   <li><b>ThreadLocals and ScopedValue bindings belong to the loop thread, not the coroutine.</b>
 *       A value set by one coroutine is seen by every other coroutine and callback of the loop,
 *       and outlives it. Keep per-request state in local variables or objects you pass along.</li>
 *   <li><b>Blocking calls block everyone.</b> A coroutine is not a thread: {@code Thread.sleep}
 *       or a blocking read stops the whole loop. Use {@link #sleep}, the loop's TCP, or
 *       {@link EventLoop#offload}.</li>
 * </ul>
 *
 * <p>The JVM must run with {@code --add-exports java.base/jdk.internal.vm=ALL-UNNAMED}
 * (DESIGN.md §2); without it the first {@link #spawn} says so.
 *
 * @param <T> the type of the body's result
 */
public final class Coroutine<T> {

    /**
     * Why a coroutine is suspended: the closed set. Each names the one wake-up that resumes it.
     */
    enum Suspension {
        /** {@link #await}: the awaited promise's listener. */
        AWAIT,
        /** {@link #sleep}: a loop timer. */
        SLEEP,
        /** {@link #yieldNow}: an entry in the ready queue, so others run first. */
        YIELD
    }

    /** Where a coroutine is in its life; see the class comment. */
    enum State { NEW, RUNNING, SUSPENDED, DONE }

    static final String EXPORT_FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";
    private static final boolean CONTINUATIONS_EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", Coroutine.class.getModule());

    private final EventLoop loop;
    private final Promise<T> task;
    private final Callable<T> body;
    private final Frame frame;
    private State state = State.NEW;
    private Suspension suspension;
    /** Stops the live wake-up's source (a timer, the awaited promise) when cancelling. */
    private Runnable stopWakeUp;
    /** Counts suspensions; each wake-up remembers the one it was made for. */
    private int generation;
    private Object resumeValue;
    private Throwable resumeFailure;
    private CancellationException cancelRequest;

    /**
     * The continuation, tagged with its coroutine, and every use of {@code jdk.internal.vm}. Kept
     * in this nested class so that a JVM without the export flag fails in {@link #spawn} with our
     * message, not with an IllegalAccessError while loading {@code Coroutine}.
     */
    private static final class Frame extends Continuation {
        private static final ContinuationScope SCOPE = new ContinuationScope("rawloop-coroutine");

        final Coroutine<?> owner;
        Pinned pinnedBy;

        Frame(Coroutine<?> owner, Runnable target) {
            super(SCOPE, target);
            this.owner = owner;
        }

        @Override
        protected void onPinned(Pinned reason) {
            // The default throws IllegalStateException("Pinned: NATIVE") from inside yield.
            // Record it; suspend() turns it into an error that says what to do.
            pinnedBy = reason;
        }

        /** The coroutine running on this thread, or null. */
        static Coroutine<?> currentOwner() {
            return Continuation.getCurrentContinuation(SCOPE) instanceof Frame f ? f.owner : null;
        }

        /** Suspends the running coroutine; false if the JDK refused (see {@link #pinnedBy}). */
        static boolean suspend() {
            return Continuation.yield(SCOPE);
        }

        /** Where the JDK said the coroutine is pinned, in words. */
        String pinnedWhere() {
            return pinnedBy == null ? "where the JDK cannot suspend it" : switch (pinnedBy) {
                case MONITOR -> "inside a synchronized block or method";
                case NATIVE -> "inside a native frame (a call from native code back into Java)";
                case CRITICAL_SECTION -> "inside a JDK critical section";
                case EXCEPTION -> "while an exception is being thrown";
            };
        }
    }

    private Coroutine(EventLoop loop, Callable<T> body) {
        this.loop = loop;
        this.body = body;
        this.task = new Promise<>(loop);
        this.frame = new Frame(this, this::runBody);
        task.handleCancelRequests(this::requestCancel);
    }

    // region spawn
    /**
     * Starts {@code body} as a coroutine on {@code loop}, in a later turn, and returns its task:
     * a promise of the body's result that {@code cancel()} asks to stop. From another thread the
     * start goes through {@link EventLoop#execute}; use only the task's thread-safe bridges there.
     *
     * @throws IllegalStateException if the JVM lacks the {@value #EXPORT_FLAG} option
     */
    public static <T> Promise<T> spawn(EventLoop loop, Callable<T> body) {
        Objects.requireNonNull(body, "body");
        if (!CONTINUATIONS_EXPORTED) {
            throw new IllegalStateException("coroutines need the JVM option " + EXPORT_FLAG
                    + ": java.base does not export jdk.internal.vm here. Put it on the java command line,"
                    + " or 'Add-Exports: java.base/jdk.internal.vm' in a runnable jar's manifest,"
                    + " or in Maven surefire's argLine and exec-maven-plugin's arguments.");
        }
        Coroutine<T> coroutine = new Coroutine<>(loop, body);
        if (loop.inLoop()) {
            loop.callSoon(coroutine::start);
        } else {
            loop.execute(coroutine::start);
        }
        return coroutine.task;
    }

    private void start() {
        if (state == State.NEW) {
            step();
        }
    }

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

    /** The one place a coroutine runs: from NEW (start) or SUSPENDED (a live wake-up). */
    private void step() {
        state = State.RUNNING;
        frame.run();   // returns at the next yield, or when the body is done
    }
    // endregion spawn

    // region await
    /**
     * Suspends the calling coroutine until {@code promise} settles, then returns its value or
     * throws its failure, the very exception it failed with. Does not suspend if it is already
     * settled.
     *
     * @throws IllegalStateException outside a coroutine, or where a coroutine cannot suspend
     * @throws CancellationException if the coroutine is cancelled meanwhile
     */
    public static <V> V await(Promise<V> promise) throws Exception {
        Coroutine<?> self = current("await");
        if (promise.loop() != self.loop) {
            throw new IllegalArgumentException("await() of a promise of event loop " + promise.loop().name()
                    + " from a coroutine on event loop " + self.loop.name()
                    + ": bridge it with Promise.fromCompletionStage(loop, promise.toCompletableFuture())");
        }
        if (promise.isDone()) {
            return settled(promise);
        }
        self.checkCanSuspend("await");
        int generation = ++self.generation;
        promise.onComplete((v, f) -> self.wake(generation, v, f));
        self.stopWakeUp = promise::cancel;
        @SuppressWarnings("unchecked") // the wake-up above delivers the promise's own V
        V value = (V) self.suspend(Suspension.AWAIT);
        return value;
    }

    /** Suspends the calling coroutine for {@code duration} on a loop timer. */
    public static void sleep(Duration duration) {
        Coroutine<?> self = current("sleep");
        self.checkCanSuspend("sleep");
        int generation = ++self.generation;
        Timer timer = self.loop.schedule(duration, () -> self.wake(generation, null, null));
        self.stopWakeUp = timer::cancel;
        self.suspendUnchecked(Suspension.SLEEP);
    }

    /** Lets every other ready callback run, then continues (asyncio's {@code await sleep(0)}). */
    public static void yieldNow() {
        Coroutine<?> self = current("yieldNow");
        self.checkCanSuspend("yieldNow");
        int generation = ++self.generation;
        self.loop.callSoon(() -> self.wake(generation, null, null));
        self.stopWakeUp = null;   // a ready-queue entry cannot be withdrawn; its generation goes stale
        self.suspendUnchecked(Suspension.YIELD);
    }

    private Object suspend(Suspension reason) throws Exception {
        state = State.SUSPENDED;
        suspension = reason;
        if (!Frame.suspend()) {
            // Refused (onPinned recorded why): we never left, so the wake-up must not fire.
            state = State.RUNNING;
            Runnable stop = stopWakeUp;
            generation++;
            stopWakeUp = null;
            if (stop != null && reason == Suspension.SLEEP) {
                stop.run();   // do not leave the sleep's timer behind
            }
            throw pinnedError(frame.pinnedWhere());
        }
        // Resumed by step(): state is RUNNING again.
        suspension = null;
        Throwable failure = resumeFailure;
        Object value = resumeValue;
        resumeFailure = null;
        resumeValue = null;
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("promise failed with a Throwable that is neither Exception nor Error", failure);
        }
        return value;
    }

    private void suspendUnchecked(Suspension reason) {
        try {
            suspend(reason);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception impossible) {
            // sleep and yieldNow are woken with no failure, or with a CancellationException.
            throw new IllegalStateException(impossible);
        }
    }

    /** A live wake-up resumes; a stale one (older generation) does nothing. */
    private void wake(int forGeneration, Object value, Throwable failure) {
        if (forGeneration != generation || state != State.SUSPENDED) {
            return;
        }
        stopWakeUp = null;
        resumeValue = value;
        resumeFailure = failure;
        step();
    }

    private void checkCanSuspend(String what) {
        CancellationException pending = cancelRequest;
        if (pending != null) {
            cancelRequest = null;   // delivered once; awaits in finally blocks then work
            throw pending;
        }
        if (MonitorCheck.coroutineHoldsMonitor()) {
            throw pinnedError("inside a synchronized block or method");
        }
    }

    private static IllegalStateException pinnedError(String where) {
        return new IllegalStateException("a coroutine cannot suspend " + where + " (it is pinned to the thread);"
                + " move the await out of it. Awaiting while holding a monitor would let the loop thread"
                + " run other code that needs it, and deadlock.");
    }
    // endregion await

    // region cancel
    /** The task's cancel(): the request of the class comment. */
    private void requestCancel(CancellationException request) {
        switch (state) {
            case NEW -> {
                state = State.DONE;    // never runs
                task.fail(request);
            }
            case RUNNING -> cancelRequest = request;   // delivered at its next suspension
            case SUSPENDED -> {
                if (cancelRequest != null) {
                    return;   // already on its way
                }
                int generation = ++this.generation;   // the live wake-up is now stale
                Runnable stop = stopWakeUp;
                stopWakeUp = null;
                if (stop != null) {
                    stop.run();   // cancel the timer, or the awaited promise
                }
                loop.callSoon(() -> wake(generation, null, request));
            }
            case DONE -> {
                // settled already; nothing to stop
            }
        }
    }
    // endregion cancel

    // region helpers
    /** Waits for every promise and returns their values in order (asyncio's gather). */
    public static <V> List<V> awaitAll(List<Promise<V>> promises) throws Exception {
        return await(Promise.all(current("awaitAll").loop, promises));
    }

    /** Waits for the first promise to settle, returns its outcome, and cancels the others. */
    public static <V> V awaitFirst(List<Promise<V>> promises) throws Exception {
        return await(Promise.race(current("awaitFirst").loop, promises));
    }

    /**
     * Runs {@code body} as a child coroutine and returns its result, unless {@code timeout} passes
     * first: then the child is cancelled (with a {@link TimeoutException} as the cause), its
     * finally blocks run, and only then this throws that TimeoutException (asyncio's wait_for).
     */
    public static <V> V withTimeout(Duration timeout, Callable<V> body) throws Exception {
        Coroutine<?> self = current("withTimeout");
        Promise<V> child = spawn(self.loop, body);
        TimeoutException expired = new TimeoutException("timed out after " + timeout.toMillis() + " ms");
        Timer timer = self.loop.schedule(timeout, () -> child.cancel(expired));
        try {
            return await(child);
        } catch (CancellationException e) {
            if (e.getCause() == expired) {
                throw expired;
            }
            throw e;
        } finally {
            timer.cancel();
        }
    }
    // endregion helpers

    // region inspecting
    private static Coroutine<?> current(String what) {
        Coroutine<?> running = CONTINUATIONS_EXPORTED ? Frame.currentOwner() : null;
        if (running != null) {
            return running;
        }
        EventLoop here = EventLoop.current();
        if (here != null) {
            throw new IllegalStateException("Coroutine." + what + "() called outside a coroutine, on the thread of event loop "
                    + here.name() + ": only code started with loop.spawn(...) can suspend;"
                    + " a callback can use promise.onComplete(...) instead");
        }
        throw new IllegalStateException("Coroutine." + what + "() called from thread '" + Thread.currentThread().getName()
                + "', which runs no event loop: coroutines run on their loop's thread (start one with loop.spawn(...));"
                + " a plain thread can block on promise.toCompletableFuture().get()");
    }

    /** True when the caller is a coroutine (code started by {@link #spawn}). */
    public static boolean inCoroutine() {
        return CONTINUATIONS_EXPORTED && Frame.currentOwner() != null;
    }

    private static <V> V settled(Promise<V> promise) throws Exception {
        if (promise.isSucceeded()) {
            return promise.resultNow();
        }
        Throwable failure = promise.failureNow();
        if (failure instanceof Exception e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("promise failed with a Throwable that is neither Exception nor Error", failure);
    }

    @Override
    public String toString() {
        return "Coroutine[" + state + (suspension != null ? " on " + suspension : "") + "]";
    }
    // endregion inspecting
}
