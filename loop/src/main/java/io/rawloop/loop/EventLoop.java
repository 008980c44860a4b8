package io.rawloop.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread, one {@link Selector}, a queue of ready callbacks and a heap of timers: asyncio's
 * event loop, written in Java.
 *
 * <h2>One iteration</h2>
 * {@link #runOnce(boolean)} is the whole design, in five named phases:
 * <ol>
 *   <li><b>timeout</b>: zero if callbacks are waiting, else until the nearest timer, else forever;</li>
 *   <li><b>select</b>: block in the selector for at most that long;</li>
 *   <li><b>events to ready</b>: each selected key, and each task handed in by another thread,
 *       becomes a ready callback;</li>
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
 * pool; {@link #execute} is refused afterwards.
 */
public final class EventLoop implements Executor, AutoCloseable {

    static {
        Log.load();   // before a descriptor shortage can make loading it fail: see Log.load
    }

    /** The loop the current thread is running, if any: read only to word error messages. */
    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    /** What {@link #selectTimeoutMillis()} returns when nothing is due: block until woken. */
    static final long BLOCK_UNTIL_WOKEN = -1;
    /** {@link #runUntilIdle()} gives up after this many iterations: something re-queues forever. */
    private static final int IDLE_ITERATION_LIMIT = 1_000_000;
    /** How many rounds of last callbacks {@link #close()} runs at most: some may queue more. */
    private static final int CLOSING_TURNS = 1_000;
    /** Shared by every connection of the loop: one read at a time happens on one thread. */
    private static final int READ_BUFFER_SIZE = 64 * 1024;

    private final String name;
    private final Clock clock;
    private final Selector selector;
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>();
    private final Inbox inbox;
    private final TimerQueue timers = new TimerQueue();
    private final OffloadPool offload;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_SIZE);
    /** Claimed by the one thread that runs {@link #closeNow}. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final List<Signals.Hook> signalHooks = new ArrayList<>();

    /** The thread running the loop now, or null while it is not running. */
    private volatile Thread thread;
    private volatile boolean stopRequested;
    /** Set by {@link #close()}: the thread running the loop closes it on its way out. */
    private volatile boolean closeWhenStopped;
    private boolean lastSelectFoundKeys;
    private long timerSequence;

    /** Figures for {@link LoopStats}; {@link OutgoingQueue} keeps their queued bytes. */
    final LoopFigures figures = new LoopFigures();
    /**
     * The array an {@link OutgoingQueue} gathers buffers into for one {@code writev}, shared by the
     * loop's connections (it is empty between calls): per connection it would be 272 bytes held
     * by every idle one.
     */
    final ByteBuffer[] gatherBatch = new ByteBuffer[OutgoingQueue.MAX_GATHER];

    EventLoop(EventLoopBuilder builder) {
        this.name = builder.name;
        this.clock = builder.clock;
        this.offload = new OffloadPool(name, builder.offloadThreads, builder.offloadQueue, builder.offloadExecutor);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector for event loop " + name, e);
        }
        this.inbox = new Inbox(selector, name);
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
        select(timeoutMillis);                                        // 2. select
        enqueueSelectedKeys();                                        // 3. events to ready
        enqueueExecutedTasks();
        enqueueDueTimers();                                           // 4. timers to ready
        runReadyCallbacks();                                          // 5. run ready
        figures.iterations++;
    }
    // endregion runOnce

    // region phases
    // region selectTimeout
    /** Phase 1: 0 to poll, {@link #BLOCK_UNTIL_WOKEN}, or milliseconds until the nearest timer. */
    long selectTimeoutMillis() {
        if (!ready.isEmpty() || !inbox.isEmpty() || stopRequested) {
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

    // region select
    /** Phase 2. The inbox's wake state makes {@link #execute} wake us only while we may block. */
    private void select(long timeoutMillis) {
        try {
            if (timeoutMillis == 0) {
                lastSelectFoundKeys = selector.selectNow() > 0;
                return;
            }
            inbox.selecting();
            try {
                // A task may have arrived before SELECTING was visible to its producer, who then
                // did not wake us: look once more before blocking.
                if (!inbox.isEmpty()) {
                    lastSelectFoundKeys = selector.selectNow() > 0;
                } else if (timeoutMillis == BLOCK_UNTIL_WOKEN) {
                    lastSelectFoundKeys = selector.select() > 0;
                } else {
                    lastSelectFoundKeys = selector.select(timeoutMillis) > 0;
                }
            } finally {
                inbox.awake();
            }
        } catch (IOException e) {
            // Selector.select fails only when the selector itself is broken; nothing can go on.
            throw new UncheckedIOException("selector of event loop " + name + " failed", e);
        }
    }
    // endregion select

    // region selectedKeys
    /** Phase 3a: each selected key's attachment becomes (at most one) ready callback. */
    private void enqueueSelectedKeys() {
        Set<SelectionKey> selected = selector.selectedKeys();
        if (selected.isEmpty()) {
            return;
        }
        // SIMPLIFICATION: iterating the JDK's HashSet allocates an iterator per iteration; Netty
        // swaps in an array-backed set by reflection to avoid it. One small object per turn is
        // not worth reflection into sun.nio.ch here.
        for (SelectionKey key : selected) {
            if (key.isValid()) {
                ((Selectable) key.attachment()).selected(key.readyOps());
            }
        }
        selected.clear();
    }
    // endregion selectedKeys

    /** Phase 3b: tasks handed in by {@link #execute} from any thread. */
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
    private void runReadyCallbacks() {
        for (int n = ready.size(); n > 0; n--) {
            Runnable callback = ready.poll();
            figures.callbacksRun++;
            try {
                callback.run();
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
        enter();
        try {
            while (!stopRequested) {
                runOnce(true);
            }
        } finally {
            leave();
        }
    }

    /** Starts {@link #run()} on a new platform thread named after the loop; returns at once. */
    public Thread start() {
        Thread t = Thread.ofPlatform().name(name).unstarted(this::run);
        // Claim the loop for the new thread before returning: from now on, loop-confined calls
        // from the caller are refused and close() waits for the thread, as for a running loop.
        claim(t);
        t.start();
        return t;
    }

    /**
     * Runs iterations without blocking until nothing is left to do now: no ready callback, no
     * task from another thread, no due timer, no selected key. With a {@link ManualClock}:
     * advance the clock, then call this.
     *
     * @throws IllegalStateException if work keeps coming for a million iterations
     */
    public void runUntilIdle() {
        enter();
        try {
            int turns = 0;
            do {
                if (++turns > IDLE_ITERATION_LIMIT) {
                    throw new IllegalStateException("event loop " + name + " still busy after "
                            + IDLE_ITERATION_LIMIT + " iterations: a callback re-queues itself forever?");
                }
                runOnce(false);
            } while (hasWorkNow());
        } finally {
            leave();
        }
    }

    /**
     * Runs the loop on the calling thread until {@code promise} completes, then returns its value.
     *
     * @throws CompletionException wrapping the promise's failure if it is a checked exception;
     *         unchecked failures (including cancellation) are thrown as they are
     */
    public <T> T runUntilComplete(Promise<T> promise) {
        enter();
        try {
            while (!promise.isDone()) {
                if (stopRequested) {
                    throw new IllegalStateException("event loop " + name + " was stopped before the promise completed");
                }
                runOnce(true);
            }
        } finally {
            leave();
        }
        return promise.resultNow();
    }

    /** Asks the loop to return from {@link #run()} after the current iteration. Any thread. */
    public void stop() {
        stopRequested = true;
        inbox.wakeUpIfSelecting();
    }

    /** True while some thread runs the loop. */
    public boolean isRunning() {
        return thread != null;
    }

    /** True if the caller is the thread running the loop. */
    public boolean inLoop() {
        return thread == Thread.currentThread();
    }

    private boolean hasWorkNow() {
        if (!ready.isEmpty() || !inbox.isEmpty() || lastSelectFoundKeys) {
            return true;
        }
        Timer next = timers.peek();
        return next != null && next.deadline - clock.nanoTime() <= 0;
    }

    private void enter() {
        Thread self = Thread.currentThread();
        if (thread != self) {   // start() has already claimed the loop for its own thread
            claim(self);
        }
        CURRENT.set(this);
    }

    private synchronized void claim(Thread runner) {
        if (inbox.isShut()) {
            throw new IllegalStateException("event loop " + name + " is closed");
        }
        if (thread != null) {
            throw new IllegalStateException("event loop " + name + " is already running on " + thread.getName());
        }
        thread = runner;
    }

    private void leave() {
        CURRENT.remove();
        stopRequested = false;
        try {
            if (closeWhenStopped) {
                closeNow();   // still the loop's thread (close() waits while it is)
            }
        } finally {
            thread = null;
        }
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
        inbox.add(Objects.requireNonNull(task, "task"), thread != Thread.currentThread());
    }

    /**
     * Runs {@code call} on the loop thread and hands its result, or what it threw, to a
     * CompletableFuture: for setup code and tests on other threads. Built on {@link #execute}.
     */
    public <T> CompletableFuture<T> submit(Callable<T> call) {
        Objects.requireNonNull(call, "call");
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
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
        long nanos;
        try {
            nanos = Math.max(0, delay.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;   // ~73 years: "never", without overflowing deadline maths
        }
        Timer timer = new Timer(this, clock.nanoTime() + nanos, timerSequence++, callback);
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

    void recordTimerLag(long deadline) {
        figures.timerFired(deadline, clock.nanoTime());
    }
    // endregion timers

    /** The loop the calling thread is running, or null. */
    static EventLoop current() {
        return CURRENT.get();
    }

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
        synchronized (signalHooks) {
            signalHooks.add(hook);
        }
        return hook;
    }
    // endregion signals

    // region channels
    // region register
    /** Registers a channel with this loop's selector; its key's attachment is {@code owner}. */
    SelectionKey register(SelectableChannel channel, int ops, Selectable owner) throws IOException {
        checkInLoop("register");
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, ops, owner);
        figures.registeredChannels++;
        return key;
    }
    // endregion register

    /** Called once by a {@link Selectable} whose channel has been closed. */
    void deregistered() {
        figures.registeredChannels--;
    }

    /** Called by a {@link Selectable} that has readiness to handle: it runs in phase 5. */
    void enqueue(Runnable callback) {
        ready.add(callback);
    }

    /** Keys the selector holds (cancelled ones go at the next select): for leak checks in tests. */
    int selectorKeyCount() {
        checkInLoop("selectorKeyCount");
        return selector.keys().size();
    }

    /** The loop's read buffer, cleared; valid until the callback it is handed to returns. */
    ByteBuffer readBuffer() {
        return readBuffer.clear();
    }
    // endregion channels

    /**
     * Throws unless the caller may touch loop-confined state: it is the loop thread, or the
     * loop is not running at all (setting up before {@link #run()}).
     */
    void checkInLoop(String what) {
        Thread owner = thread;
        if (owner != null && owner != Thread.currentThread()) {
            throw new IllegalStateException(what + " must be called on the thread of event loop " + name
                    + " (" + owner.getName() + "), not on " + Thread.currentThread().getName()
                    + "; from other threads use execute()");
        }
    }

    /** The loop's name, which is also its thread's name when {@link #start()}ed. */
    public String name() {
        return name;
    }

    /**
     * A snapshot of the loop's figures. Exact on the loop thread; from another thread the
     * figures may be a little stale.
     */
    public LoopStats stats() {
        return figures.snapshot(inbox.wakeups(), timers.size(), ready.size());
    }

    // region close
    /**
     * Closes every channel registered with the loop (their owners hear of it through their close
     * callbacks), the selector, the signal hooks and the offload pool. From another thread while
     * the loop runs: stops it, and its own thread closes it on the way out (the last callbacks,
     * which may resume coroutines, must run on the thread the coroutines ran on: a continuation's
     * compiled frames may keep {@code Thread.currentThread()} from before it suspended); this
     * waits for that. From a callback: the loop closes when the current iteration ends. Idempotent.
     */
    @Override
    public void close() {
        Thread owner = thread;
        if (owner == Thread.currentThread()) {
            closeWhenStopped = true;
            stop();
            return;
        }
        if (owner != null) {
            closeWhenStopped = true;
            stop();
            boolean interrupted = false;
            while (owner.isAlive() && thread == owner) {
                try {
                    owner.join(100);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        closeNow();   // a no-op if the loop's thread closed it; else the loop was not running
    }

    private void closeNow() {
        if (!closing.compareAndSet(false, true)) {
            while (!inbox.isShut()) {   // another thread is closing it (the loop's own): wait for it
                Thread.onSpinWait();
            }
            return;
        }
        synchronized (signalHooks) {
            signalHooks.forEach(Signals.Hook::close);
            signalHooks.clear();
        }
        thread = Thread.currentThread();
        try {
            for (SelectionKey key : List.copyOf(selector.keys())) {
                if (key.attachment() instanceof Selectable owner) {
                    owner.closeBecauseLoopCloses();
                }
            }
            // Let the close callbacks those closes queued run, then stop taking work: once closed
            // is set, execute() refuses, and the tasks that got in before it run here.
            runOnce(false);
            inbox.shut();
            enqueueExecutedTasks();
            // Until nothing is left (a task's promise listeners come a turn later), but bounded.
            for (int turns = 0; !ready.isEmpty() && turns < CLOSING_TURNS; turns++) {
                runReadyCallbacks();
            }
        } finally {
            thread = null;
            inbox.shut();
            offload.shutdown();
            try {
                selector.close();
            } catch (IOException e) {
                Log.log(System.Logger.Level.WARNING, "closing the selector of event loop " + name, e);
            }
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
