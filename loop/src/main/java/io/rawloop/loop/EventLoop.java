package io.rawloop.loop;

import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One thread, one {@link Selector}, a queue of ready callbacks and a heap of timers: asyncio's
 * event loop, written in Java.
 *
 * <h2>One iteration</h2>
 * {@link #runOnce(boolean)} is the whole design, in five named phases:
 * <ol>
 *   <li><b>timeout</b>: zero if callbacks are waiting, else until the nearest timer, else forever;</li>
 *   <li><b>select</b>: block in the selector for at most that long; each key it selects
 *       becomes a ready callback as the selector reports it;</li>
 *   <li><b>tasks to ready</b>: each task handed in by another thread becomes a ready callback;</li>
 *   <li><b>timers to ready</b>: each timer whose deadline has passed becomes a ready callback;</li>
 *   <li><b>run ready</b>: run the callbacks that were ready when this phase began.</li>
 * </ol>
 * Phase 5 is the only place user code runs. Everything else only enqueues; a callback queued by
 * a callback runs in the next iteration, after the loop has looked at the sockets again, so a
 * callback that keeps re-queueing itself cannot starve I/O.
 *
 * <h2>Threads</h2>
 * Everything is confined to the loop thread except {@link #execute(Runnable)} (asyncio's
 * {@code call_soon_threadsafe}) and {@link #stop()}. Confined methods check the thread with one
 * reference comparison and throw {@link IllegalStateException} when called from elsewhere. While
 * the loop is not running (before {@link #run()}, between {@link #runUntilIdle()} calls) any
 * single thread may set it up.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   IDLE ──run() / start() / runUntil…()──▶ RUNNING ──stop() or return──▶ IDLE
 *     │                                                                    │
 *     └──────────────────────────── close() ────────────────────────▶ CLOSED
 * </pre>
 * {@link #close()} closes every channel registered with the loop, the selector and the offload
 * pool; {@link #execute} is refused afterwards. The selector side lives in {@code LoopSelector},
 * who runs the loop in {@code LoopRunner}, and the order of closing in {@code LoopShutdown}.
 */
public final class EventLoop implements Executor, AutoCloseable {

    static {
        Log.load();   // before a descriptor shortage can make loading it fail: see Log.load
    }

    /** What {@link #selectTimeoutMillis()} returns when nothing is due: block until woken. */
    static final long BLOCK_UNTIL_WOKEN = -1;

    private final String name;
    private final Clock clock;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final Inbox inbox;
    private final TimerQueue timers = new TimerQueue();
    private final OffloadPool offload;
    private final LoopRunner runner;
    /** Closing, in its order; the runner's thread calls it on the way out. */
    final LoopShutdown shutdown;
    private boolean lastSelectFoundKeys;

    /** Debug mode's checks, or null: off, each costs one null check ({@link LoopDebug}). */
    final LoopDebug debug;
    /** Figures for {@link LoopStats}; {@link OutgoingQueue} keeps their queued bytes. */
    final LoopFigures figures = new LoopFigures();
    /** The selector and the channels registered with it: phase 2. */
    final LoopSelector selector;

    EventLoop(EventLoopBuilder builder) {
        this.name = builder.name;
        this.clock = builder.clock;
        this.offload = new OffloadPool(name, builder.offloadThreads, builder.offloadQueue, builder.offloadExecutor);
        this.runner = new LoopRunner(this);
        this.selector = new LoopSelector(this, runner);
        this.inbox = new Inbox(selector.selector(), name);
        this.shutdown = new LoopShutdown(this, runner, selector, inbox, offload);
        this.debug = builder.debug ? new LoopDebug(this, builder.slowCallback.toNanos()) : null;
    }

    /** A loop with the real clock and default settings. */
    public static EventLoop create() {
        return builder().build();
    }

    /** Settings for a new loop: name, clock, offload pool. */
    public static EventLoopBuilder builder() {
        return new EventLoopBuilder();
    }

    // region runOnce
    /**
     * One turn of the loop: the five phases of the class comment.
     *
     * @param mayBlock false to poll the selector without waiting (used by {@link #runUntilIdle()})
     */
    void runOnce(boolean mayBlock) {
        long timeoutMillis = mayBlock ? selectTimeoutMillis() : 0;   // 1. timeout
        lastSelectFoundKeys = selector.select(timeoutMillis, inbox);  // 2. select, ready keys to ready
        enqueueExecutedTasks();                                       // 3. tasks to ready
        enqueueDueTimers();                                           // 4. timers to ready
        runReadyCallbacks();                                          // 5. run ready
        figures.iterations++;
    }
    // endregion runOnce

    // region phases
    // region selectTimeout
    /** Phase 1: 0 to poll, {@link #BLOCK_UNTIL_WOKEN}, or milliseconds until the nearest timer. */
    long selectTimeoutMillis() {
        if (!ready.isEmpty() || !inbox.isEmpty() || runner.stopRequested()) {
            return 0;
        }
        Timer next = timers.peek();
        if (next == null) {
            return BLOCK_UNTIL_WOKEN;
        }
        long nanos = next.deadline - clock.nanoTime();
        // Round up: waking a little early would make the loop spin through empty iterations
        // until the deadline; waking up to 1 ms late is the price of select's resolution.
        return nanos <= 0 ? 0 : (nanos + 999_999) / 1_000_000;
    }
    // endregion selectTimeout

    /** Phase 3: tasks handed in by {@link #execute} from any thread. */
    private void enqueueExecutedTasks() {
        inbox.drainTo(ready);
    }

    // region dueTimers
    /** Phase 4: timers whose deadline has passed, in (deadline, scheduling) order. */
    private void enqueueDueTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = clock.nanoTime();
        Timer timer;
        while ((timer = timers.peek()) != null && timer.deadline - now <= 0) {
            timers.poll();
            timer.state = Timer.State.DUE;
            ready.add(timer::fire);
        }
    }
    // endregion dueTimers

    /** Phase 5: the one place callbacks run. Only those ready now; later ones wait a turn. */
    void runReadyCallbacks() {
        for (int n = ready.size(); n > 0; n--) {
            Runnable callback = ready.poll();
            figures.callbacksRun++;
            try {
                (debug == null ? callback : debug.watching(callback)).run();
            } catch (Throwable t) {
                // A failing callback must not take every other connection down with it.
                figures.callbackErrors++;
                try {
                    Log.error("callback failed on event loop " + name, t);
                } catch (Throwable loggingFailed) {
                    // Log never throws, but building the message may (out of memory): the loop goes on
                }
            }
        }
    }
    // endregion phases

    // region running
    /** Runs the loop on the calling thread until {@link #stop()}. */
    public void run() {
        runner.run();
    }

    /** Starts {@link #run()} on a new platform thread named after the loop; returns at once. */
    public Thread start() {
        return runner.start();
    }

    /**
     * Runs iterations without blocking until nothing is left to do now: no ready callback, no
     * task from another thread, no due timer, no selected key. With a {@link ManualClock}:
     * advance the clock, then call this.
     *
     * @throws IllegalStateException if work keeps coming for a million iterations
     */
    public void runUntilIdle() {
        runner.runUntilIdle();
    }

    /**
     * Runs the loop on the calling thread until {@code promise} completes, then returns its value.
     *
     * @throws CompletionException wrapping the promise's failure if it is a checked exception;
     *         unchecked failures (including cancellation) are thrown as they are
     */
    public <T> T runUntilComplete(Promise<T> promise) {
        return runner.runUntilComplete(promise);
    }

    /** Asks the loop to return from {@link #run()} after the current iteration. Any thread. */
    public void stop() {
        runner.stop();
        inbox.wakeUpIfSelecting();
    }

    /** True while some thread runs the loop. */
    public boolean isRunning() {
        return runner.owner() != null;
    }

    /** True if the caller is the thread running the loop. */
    public boolean inLoop() {
        return runner.isCurrent();
    }

    /** For {@link #runUntilIdle()}: is there something to do right now? */
    boolean hasWorkNow() {
        if (!ready.isEmpty() || !inbox.isEmpty() || lastSelectFoundKeys) {
            return true;
        }
        Timer next = timers.peek();
        return next != null && next.deadline - clock.nanoTime() <= 0;
    }
    // endregion running

    // region execute
    /**
     * Queues {@code task} to run on the loop thread: the one method any thread may call.
     * Tasks from one producer run in the order it executed them.
     *
     * <p>The selector is woken only if the loop may be blocked in select; a busy loop will see
     * the task in its next phase 3 anyway, and {@code Selector.wakeup()} is a system call.
     *
     * @throws RejectedExecutionException if the loop is closed
     */
    @Override
    public void execute(Runnable task) {
        inbox.add(Objects.requireNonNull(task, "task"), !runner.isCurrent());
    }

    /**
     * Runs {@code call} on the loop thread and hands its result, or what it threw, to a
     * CompletableFuture: for setup code and tests on other threads. Built on {@link #execute}.
     */
    public <T> CompletableFuture<T> submit(Callable<T> call) {
        return FutureBridge.submit(this, call);
    }

    /** Queues {@code callback} to run in a later iteration (asyncio's call_soon). Loop thread. */
    public void callSoon(Runnable callback) {
        checkInLoop("callSoon");
        ready.add(Objects.requireNonNull(callback, "callback"));
    }
    // endregion execute

    // region timers
    /**
     * Runs {@code callback} on the loop once {@code delay} has passed on the loop's clock.
     * Timers with equal deadlines run in the order they were scheduled. Loop thread.
     *
     * @return the handle that cancels it
     */
    public Timer schedule(Duration delay, Runnable callback) {
        checkInLoop("schedule");
        Objects.requireNonNull(callback, "callback");
        Timer timer = new Timer(this, clock.nanoTime() + Timer.nanosOf(delay), timers.nextSequence(), callback);
        timers.add(timer);
        return timer;
    }

    /** The loop's clock reading, in nanoseconds. */
    public long nanoTime() {
        return clock.nanoTime();
    }

    TimerQueue timers() {
        return timers;
    }
    // endregion timers

    // region promises and offload
    /**
     * Starts {@code body} as a coroutine on this loop and returns its task; see
     * {@link Coroutine#spawn}. Any thread.
     */
    public <T> Promise<T> spawn(Callable<T> body) {
        return Coroutine.spawn(this, body);
    }

    /** A new pending promise bound to this loop. */
    public <T> Promise<T> newPromise() {
        return new Promise<>(this);
    }

    // region offload
    /**
     * Runs blocking work (a DNS lookup, a file read, CPU-heavy code) on the offload pool, and
     * completes the returned promise on the loop thread (asyncio's run_in_executor). Loop thread.
     * If the pool is saturated the promise fails with {@link RejectedExecutionException}.
     * Cancelling the promise does not interrupt the work; its result is dropped.
     */
    public <T> Promise<T> offload(Callable<T> work) {
        checkInLoop("offload");
        Promise<T> promise = newPromise();
        offload.submit(work, promise);
        return promise;
    }
    // endregion offload
    // endregion promises and offload

    // region signals
    /**
     * Runs {@code handler} on the loop thread whenever the process receives signal {@code name}
     * (INT, TERM, HUP, USR1 or USR2, with or without the SIG prefix). The JVM's own handler only
     * calls {@link #execute}. Installing a handler for INT or TERM replaces the JVM's default
     * (run shutdown hooks and exit): the handler decides what happens.
     *
     * @return a hook whose {@code close()} uninstalls the handler
     * @throws IllegalArgumentException for an unknown name, or one the JVM reserves (QUIT, ...)
     * @throws IllegalStateException if the process ignores the signal (started with {@code nohup},
     *         or as a shell's background job): the JVM then keeps it ignored, and the handler would
     *         never run
     */
    public AutoCloseable onSignal(String name, Runnable handler) {
        Objects.requireNonNull(handler, "handler");
        Signals.Hook hook = Signals.install(name, this, handler);
        shutdown.closeWithLoop(hook);
        return hook;
    }
    // endregion signals

    /** Called by a {@link Selectable} that has readiness to handle: it runs in phase 5. */
    void enqueue(Runnable callback) {
        ready.add(callback);
    }

    /** Throws unless the caller may touch loop-confined state: the loop thread, or any while not running. */
    void checkInLoop(String what) {
        runner.check(what);
    }

    /** True in asyncio's debug mode ({@link EventLoopBuilder#debug}): see {@code LoopDebug}. */
    public boolean isDebug() {
        return debug != null;
    }

    /** In debug mode, names what the running callback does (a request, say) for the slow-callback log. Loop thread. */
    public void describeCallback(String what) {
        if (debug != null) {
            debug.describe(what);
        }
    }

    /** The loop's name, which is also its thread's name when {@link #start()}ed. */
    public String name() {
        return name;
    }

    /** A snapshot of the loop's figures: exact on the loop thread, a little stale from others. */
    public LoopStats stats() {
        return figures.snapshot(clock.nanoTime(), inbox.wakeups(), timers.size(), ready.size());
    }

    // region close
    /**
     * Closes every channel registered with the loop (their owners hear of it through their close
     * callbacks), the selector, the signal hooks and the offload pool, in the order
     * {@link LoopShutdown} gives. From another thread while the loop runs: stops it, and waits
     * while its own thread closes it on the way out. From a callback: the loop closes when the
     * current iteration ends. Idempotent.
     */
    @Override
    public void close() {
        shutdown.close();
    }

    /** The last callbacks of a closing loop: tasks that got in before the inbox shut, and theirs. */
    void runLastCallbacks(int maxTurns) {
        enqueueExecutedTasks();
        for (int turns = 0; !ready.isEmpty() && turns < maxTurns; turns++) {
            runReadyCallbacks();
        }
    }

    /** True once {@link #close()} has finished. */
    public boolean isClosed() {
        return inbox.isShut();
    }
    // endregion close

    @Override
    public String toString() {
        return "EventLoop[" + name + (isRunning() ? ", running" : "") + (isClosed() ? ", closed" : "") + "]";
    }
}
