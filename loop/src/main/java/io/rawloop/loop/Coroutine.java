package io.rawloop.loop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import jdk.internal.vm.Continuation;
import jdk.internal.vm.ContinuationScope;

/**
 * Straight-line code that waits without blocking: asyncio's {@code async def} and {@code await},
 * on the loop thread, built on the JDK's own continuations.
 *
 * <pre>{@code
 * loop.spawn(() -> {
 *     TcpConnection c = await(TcpConnection.connect(loop, address, Duration.ofSeconds(5)));
 *     await(c.send(request));
 *     ByteBuffer answer = await(c.read());
 *     sleep(Duration.ofMillis(100));
 *     return answer;
 * });
 * }</pre>
 *
 * <h2>How it works</h2>
 * A {@code jdk.internal.vm.Continuation} is the machinery under virtual threads, without the
 * scheduler: {@code run()} runs a body until it calls {@code Continuation.yield}, which copies its
 * stack frames to the heap and returns from {@code run()}; the next {@code run()} copies them back
 * and carries on after the yield. Here the scheduler is the event loop: {@link #await} registers
 * the coroutine as the promise's listener, then yields; the listener runs in phase 5 of a later
 * turn and calls {@code run()} again. Nothing else in rawloop touches {@code jdk.internal.vm}.
 *
 * <h2>Why a coroutine is suspended: the closed set</h2>
 * See {@link Suspension}. Invariant: a suspended coroutine is referenced by exactly one wake-up:
 * the coroutine itself as the awaited promise's listener, a timer's callback, or one ready-queue
 * entry. Cancelling replaces that wake-up, never adds one (the awaited promise is cancelled, which
 * fires the same listener; a sleep's timer is cancelled and the coroutine queued instead). Only
 * {@code Fiber.step()} resumes, and only a SUSPENDED coroutine: resuming one that is running, or
 * from inside itself, cannot be expressed.
 *
 * <h2>Cancellation</h2>
 * The task that {@link #spawn} returns is a {@link Promise}; its {@code cancel()} is a request,
 * as in asyncio: a {@link CancellationException} is thrown at the coroutine's current await (or its
 * next one, if it is running), finally blocks run, and the task settles as cancelled when the
 * body has unwound. The promise being awaited is cancelled too; if it is another coroutine's
 * task, the cancellation arrives once that one has unwound. A timeout is a cancellation whose
 * cause is a {@link TimeoutException}.
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
 * (the poms and the runnable jars' manifests pass it); without it the first {@link #spawn} says so.
 */
public final class Coroutine {

    // region suspension
    /** Why a coroutine is suspended: the closed set. Each names the one wake-up that resumes it. */
    enum Suspension {
        /** {@link #await}: the coroutine is the awaited promise's listener. */
        AWAIT,
        /** {@link #sleep}: the coroutine is a loop timer's callback. */
        SLEEP,
        /** {@link #yieldNow}: the coroutine is queued once in the ready queue, after the others. */
        YIELD
    }
    // endregion suspension

    static final String EXPORT_FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";
    private static final boolean CONTINUATIONS_EXPORTED =
            Object.class.getModule().isExported("jdk.internal.vm", Coroutine.class.getModule());

    private Coroutine() {
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
        Fiber<T> fiber = new Fiber<>(loop, body);
        if (loop.inLoop()) {
            loop.callSoon(fiber::start);
        } else {
            loop.execute(fiber::start);
        }
        return fiber.task;
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
        Fiber<?> self = current("await");
        if (promise.loop() != self.loop) {
            throw new IllegalArgumentException("await() of a promise of event loop " + promise.loop().name()
                    + " from a coroutine on event loop " + self.loop.name()
                    + ": bridge it with Promise.fromCompletionStage(loop, promise.toCompletableFuture())");
        }
        if (!promise.isDone()) {
            self.checkCanSuspend();
            self.awaited = promise;
            promise.onComplete(self);
            self.suspend(Suspension.AWAIT);
        }
        return settled(promise);
    }

    /** Suspends the calling coroutine for {@code duration} on a loop timer. */
    public static void sleep(Duration duration) {
        Fiber<?> self = current("sleep");
        self.checkCanSuspend();
        self.timer = self.loop.schedule(duration, self::wakeUp);
        self.suspend(Suspension.SLEEP);
    }

    /** Lets every other ready callback run, then continues (asyncio's {@code await sleep(0)}). */
    public static void yieldNow() {
        Fiber<?> self = current("yieldNow");
        self.checkCanSuspend();
        int ticket = ++self.yields;
        self.loop.callSoon(() -> self.wakeFromYield(ticket));
        self.suspend(Suspension.YIELD);
    }
    // endregion await

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
        EventLoop loop = current("withTimeout").loop;
        Promise<V> child = spawn(loop, body);
        TimeoutException expired = new TimeoutException("timed out after " + timeout.toMillis() + " ms");
        Timer timer = loop.schedule(timeout, () -> child.cancel(expired));
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

    /** True when the caller is a coroutine (code started by {@link #spawn}). */
    public static boolean inCoroutine() {
        return CONTINUATIONS_EXPORTED && Fiber.current() != null;
    }
    // endregion helpers

    private static Fiber<?> current(String what) {
        Fiber<?> running = CONTINUATIONS_EXPORTED ? Fiber.current() : null;
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

    private static <V> V settled(Promise<V> promise) throws Exception {
        if (promise.isSucceeded()) {
            return promise.resultNow();
        }
        throw Fiber.asException(promise.failureNow());
    }

    /**
     * One coroutine: its continuation and its state, in one object that is also its own wake-up
     * (promise listener, timer callback, ready-queue entry) and its task's cancel handler, so a
     * suspended coroutine holds little more than its frames. Every use of {@code jdk.internal.vm}
     * is in here, so a JVM without the export flag fails in {@link #spawn} with our message.
     *
     * <h2>Lifecycle</h2>
     * <pre>
     *   NEW ──first turn──▶ RUNNING ◀──its wake-up── SUSPENDED
     *    │                    │  └──await / sleep / yieldNow──▲
     *    │                    └──body returns or throws──▶ DONE
     *    └──cancelled before its first turn (never runs)──▶ DONE
     * </pre>
     */
    private static final class Fiber<T> extends Continuation
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
        private int yields;
        private CancellationException cancelRequest;
        private Pinned pinnedBy;

        Fiber(EventLoop loop, Callable<T> body) {
            super(SCOPE, ENTRY);
            this.loop = loop;
            this.body = body;
            this.task = new Promise<>(loop);
            task.handleCancelRequests(this);
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
}
