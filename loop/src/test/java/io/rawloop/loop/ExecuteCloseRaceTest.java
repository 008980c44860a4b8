package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * execute() racing close(): every task is either run or refused, never silently dropped. Before
 * the fix, a task that passed the closed check but reached the inbox after the last drain was
 * neither, and a future waiting on it never completed.
 */
class ExecuteCloseRaceTest {

    private static final int ROUNDS = 300;
    private static final int PRODUCERS = 6;
    /** Bounded, so that producers cannot outrun the loop's memory; far more than one close takes. */
    private static final int TASKS_PER_PRODUCER = 20_000;

    @Test
    @Timeout(300)
    void everyTaskHandedInWhileTheLoopClosesIsRunOrRefused() throws Exception {
        int lost = 0;
        long accepted = 0;
        long refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            EventLoop loop = EventLoop.builder().name("race-" + round).offloadThreads(1).build();
            Promise<String> settled = loop.newPromise();
            loop.start();
            loop.submit(() -> settled.complete("done")).get(30, TimeUnit.SECONDS);
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger taken = new AtomicInteger();
            ConcurrentLinkedQueue<CompletableFuture<?>> futures = new ConcurrentLinkedQueue<>();
            AtomicInteger rejections = new AtomicInteger();
            CountDownLatch started = new CountDownLatch(PRODUCERS);
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                boolean bridge = p % 2 == 0;
                producers.add(Thread.ofPlatform().start(() -> {
                    started.countDown();
                    for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
                        try {
                            if (bridge) {
                                // The bridge's own task must run, or its future fails: never neither.
                                futures.add(settled.toCompletableFuture());
                            } else {
                                loop.execute(ran::incrementAndGet);
                                taken.incrementAndGet();
                            }
                        } catch (RejectedExecutionException closed) {
                            rejections.incrementAndGet();
                            return;
                        }
                    }
                }));
            }
            started.await(30, TimeUnit.SECONDS);
            loop.close();
            for (Thread t : producers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            lost += taken.get() - ran.get();
            for (CompletableFuture<?> future : futures) {
                // close() has returned: the future's task has run (and completed it) or was refused.
                if (!future.isDone()) {
                    lost++;
                } else if (future.isCompletedExceptionally()) {
                    try {
                        future.get();
                    } catch (ExecutionException refusedAtTheDoor) {
                        assertTrue(refusedAtTheDoor.getCause() instanceof RejectedExecutionException,
                                refusedAtTheDoor.toString());
                    }
                }
            }
            accepted += taken.get();
            refused += rejections.get();
        }
        assertEquals(0, lost, "tasks that execute() accepted but the closing loop never ran, of " + accepted);
        assertTrue(refused > 0, "some producers raced the close (else nothing was tested)");
    }
}
