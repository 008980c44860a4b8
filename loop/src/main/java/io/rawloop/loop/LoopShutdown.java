package io.rawloop.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Closing an {@link EventLoop}, in the order that loses nothing:
 * <ol>
 *   <li>the signal hooks, so that no signal queues a task any more;</li>
 *   <li>every channel registered with the selector: their owners' close callbacks are queued;</li>
 *   <li>one turn, which runs those callbacks; then the inbox shuts, and from here on
 *       {@link EventLoop#execute} refuses;</li>
 *   <li>the tasks that got in before it shut, and what they queue in turn (a task's promise
 *       listeners come a turn later), for at most {@value #CLOSING_TURNS} rounds;</li>
 *   <li>the offload pool and the selector.</li>
 * </ol>
 *
 * <h2>Which thread closes</h2>
 * The thread that runs the loop, always: the last callbacks may resume coroutines, and a
 * continuation must resume on the thread it ran on (its compiled frames may keep
 * {@code Thread.currentThread()} from before it suspended). So {@link #close()} from another
 * thread while the loop runs stops it and waits while its thread closes it on the way out; from a
 * callback it only marks the loop, and the loop closes when the current iteration ends; on a loop
 * nobody runs, the caller closes it at once.
 */
final class LoopShutdown {

    /** How many rounds of last callbacks a close runs at most: some may queue more. */
    private static final int CLOSING_TURNS = 1_000;

    private final EventLoop loop;
    private final LoopRunner runner;
    private final LoopSelector selector;
    private final Inbox inbox;
    private final OffloadPool offload;
    /** Claimed by the one thread that runs {@link #closeNow}. */
    private final AtomicBoolean claimed = new AtomicBoolean();
    /** Set by {@link #close()}: the thread running the loop closes it on its way out. */
    private volatile boolean closeWhenStopped;
    private final List<Signals.Hook> signalHooks = new ArrayList<>();

    LoopShutdown(EventLoop loop, LoopRunner runner, LoopSelector selector, Inbox inbox, OffloadPool offload) {
        this.loop = loop;
        this.runner = runner;
        this.selector = selector;
        this.inbox = inbox;
        this.offload = offload;
    }

    /** A signal hook to uninstall when the loop closes. Any thread. */
    void closeWithLoop(Signals.Hook hook) {
        synchronized (signalHooks) {
            signalHooks.add(hook);
        }
    }

    /** {@link EventLoop#close()}: see the class comment for who closes, and when. */
    void close() {
        Thread owner = runner.owner();
        if (owner == Thread.currentThread()) {
            closeWhenStopped = true;
            loop.stop();
            return;
        }
        if (owner != null) {
            closeWhenStopped = true;
            loop.stop();
            boolean interrupted = false;
            while (owner.isAlive() && runner.owner() == owner) {
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

    /** Called by the running thread as it leaves the loop: closes it if {@link #close()} asked. */
    void onLeave() {
        if (closeWhenStopped) {
            closeNow();
        }
    }

    private void closeNow() {
        if (!claimed.compareAndSet(false, true)) {
            while (!inbox.isShut()) {   // another thread is closing it (the loop's own): wait for it
                Thread.onSpinWait();
            }
            return;
        }
        synchronized (signalHooks) {                                           // 1
            signalHooks.forEach(Signals.Hook::close);
            signalHooks.clear();
        }
        runner.takeOverForClose();
        try {
            selector.closeEveryChannel();                                      // 2
            loop.runOnce(false);                                               // 3
            inbox.shut();
            loop.runLastCallbacks(CLOSING_TURNS);                              // 4
        } finally {
            runner.release();
            inbox.shut();
            offload.shutdown();                                                // 5
            selector.close();
        }
    }
}
