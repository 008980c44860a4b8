package io.rawloop.loop;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * Straight-line code that waits without blocking: asyncio's {@code async def} and {@code await},
 * on the loop thread, built on the JDK's own continuations.
 *
 * <pre>{@code
 * loop.spawn(() -> {
 *     TcpStream c = TcpStream.of(await(TcpConnection.connect(loop, address, Duration.ofSeconds(5))));
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
        EventLoop here = LoopRunner.current();
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
}
