package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** execute(): the one thread-safe door into the loop. */
class ExecuteTest {

    @Test
    @Timeout(60)
    void eightProducersOfAHundredThousandTasksEachRunExactlyOnceInOrderOnTheLoopThread() throws Exception {
        int producers = 8;
        int perProducer = 100_000;
        try (RunningLoop running = new RunningLoop()) {
            EventLoop loop = running.loop;
            // Written only by the loop thread; read after the latch, which publishes them.
            int[] next = new int[producers];
            int[] outOfOrder = new int[1];
            int[] offLoop = new int[1];
            Thread loopThread = running.call(Thread::currentThread);
            CountDownLatch done = new CountDownLatch(producers);
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int producer = p;
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perProducer; i++) {
                        int seq = i;
                        loop.execute(() -> {
                            if (Thread.currentThread() != loopThread) {
                                offLoop[0]++;
                            }
                            if (next[producer] != seq) {
                                outOfOrder[0]++;
                            }
                            next[producer] = seq + 1;
                            if (seq == perProducer - 1) {
                                done.countDown();
                            }
                        });
                    }
                }));
            }
            long wakeupsBefore = loop.stats().wakeups();
            start.countDown();
            assertTrue(done.await(50, TimeUnit.SECONDS), "every producer's last task ran");
            for (Thread t : threads) {
                t.join();
            }
            int[] counts = running.call(() -> next.clone());
            for (int p = 0; p < producers; p++) {
                assertEquals(perProducer, counts[p], "producer " + p + " ran all its tasks once");
            }
            assertEquals(0, outOfOrder[0], "per-producer order held");
            assertEquals(0, offLoop[0], "every task ran on the loop thread");
            long wakeups = loop.stats().wakeups() - wakeupsBefore;
            assertTrue(wakeups < producers * perProducer / 10,
                    "a busy loop is rarely woken: " + wakeups + " wakeups for " + producers * perProducer + " tasks");
        }
    }

    @Test
    @Timeout(10)
    void executeWakesALoopBlockedInSelect() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            running.call(() -> null);   // the loop is now idle, with no timer: blocked until woken
            CountDownLatch ran = new CountDownLatch(1);
            running.loop.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS));
            assertTrue(running.loop.stats().wakeups() >= 1);
        }
    }

    @Test
    void aThrowingCallbackDoesNotStopTheLoop() {
        EventLoop loop = EventLoop.create();
        List<String> ran = new ArrayList<>();
        loop.execute(() -> {
            throw new IllegalStateException("boom (this stack trace is expected in the test log)");
        });
        loop.execute(() -> ran.add("after"));
        loop.runUntilIdle();
        loop.callSoon(() -> ran.add("next turn"));
        loop.runUntilIdle();
        assertEquals(List.of("after", "next turn"), ran);
        assertEquals(1, loop.stats().callbackErrors());
        loop.close();
    }

    @Test
    void aCallbackQueuedByACallbackRunsInTheNextIteration() {
        EventLoop loop = EventLoop.create();
        List<Long> iterations = new ArrayList<>();
        loop.callSoon(() -> {
            iterations.add(loop.stats().iterations());
            loop.callSoon(() -> iterations.add(loop.stats().iterations()));
        });
        loop.runUntilIdle();
        assertEquals(2, iterations.size());
        assertEquals(iterations.get(0) + 1, iterations.get(1));
        loop.close();
    }

    @Test
    void loopConfinedMethodsRefuseOtherThreadsWithAMessageThatSaysWhatToDo() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> running.loop.schedule(java.time.Duration.ofSeconds(1), () -> { }));
            assertTrue(e.getMessage().contains("must be called on the thread of event loop test-loop"), e.getMessage());
            assertTrue(e.getMessage().contains("execute()"), e.getMessage());
        }
    }

    @Test
    @Timeout(10)
    void stopReturnsFromRunAndCloseRefusesFurtherTasks() throws Exception {
        EventLoop loop = EventLoop.create();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                loop.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        CountDownLatch ran = new CountDownLatch(1);
        loop.execute(ran::countDown);
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        loop.stop();
        t.join(5000);
        assertTrue(!t.isAlive() && failure.get() == null);
        loop.close();
        assertTrue(loop.isClosed());
        assertThrows(RejectedExecutionException.class, () -> loop.execute(() -> { }));
        assertSame(null, failure.get());
    }
}
