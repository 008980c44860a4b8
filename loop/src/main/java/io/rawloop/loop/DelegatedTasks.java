package io.rawloop.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;

/**
 * An {@link SSLEngine}'s delegated tasks (NEED_TASK), run away from the loop: checking a
 * certificate chain or agreeing on a key takes milliseconds of CPU, long enough to stall every
 * other connection on the loop. They run on {@code tasks}, the loop's offload pool, and the
 * {@link TlsLayer} carries on through {@code resume}, the loop's own {@code execute}.
 */
final class DelegatedTasks {

    private final Executor tasks;
    private final Executor resume;

    DelegatedTasks(Executor tasks, Executor resume) {
        this.tasks = tasks;
        this.resume = resume;
    }

    /**
     * Takes every task {@code engine} has now and runs them in order on the task executor; then,
     * through the resume executor, calls {@code done} with null, or with what a task threw. With
     * direct executors, {@code done} has run before this returns.
     *
     * @return false if the engine had no task (nothing is run, {@code done} is not called)
     * @throws RejectedExecutionException if the task executor refuses
     */
    boolean start(SSLEngine engine, Consumer<Throwable> done) {
        List<Runnable> batch = new ArrayList<>();
        for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
            batch.add(task);
        }
        if (batch.isEmpty()) {
            return false;
        }
        tasks.execute(() -> runAll(batch, done));
        return true;
    }

    /** On a task thread: the only code of a TLS layer that is not on the layer's thread. */
    private void runAll(List<Runnable> batch, Consumer<Throwable> done) {
        Throwable failure = null;
        try {
            batch.forEach(Runnable::run);
        } catch (Throwable t) {
            failure = t;
        }
        Throwable outcome = failure;
        try {
            resume.execute(() -> done.accept(outcome));
        } catch (RejectedExecutionException closed) {
            // The loop closed while the task ran: nobody is left to hear the result.
        }
    }
}
