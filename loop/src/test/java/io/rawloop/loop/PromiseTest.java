package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PromiseTest {

    private final ManualClock clock = new ManualClock();
    private final EventLoop loop = EventLoop.builder().clock(clock).build();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
    }

    @Test
    void settlesOnceAndListenersRunLaterInRegistrationOrder() {
        Promise<String> p = loop.newPromise();
        p.onComplete((v, f) -> log.add("1:" + v));
        p.onComplete((v, f) -> log.add("2:" + v));
        assertTrue(p.complete("x"));
        assertEquals(List.of(), log, "complete() queues listeners, it does not call them");
        assertFalse(p.complete("y"));
        assertFalse(p.fail(new IOException()));
        assertFalse(p.cancel());
        p.onComplete((v, f) -> log.add("3:" + v));   // added after settling: queued too
        loop.runUntilIdle();
        assertEquals(List.of("1:x", "2:x", "3:x"), log);
        assertEquals("x", p.resultNow());
        assertEquals(Promise.State.SUCCEEDED, p.state());
    }

    // region reentrancy
    @Test
    void listenersNeverRunInsideTheCallThatCompletes() {
        Promise<Integer> p = loop.newPromise();
        p.onComplete((v, f) -> log.add("listener"));
        loop.callSoon(() -> {
            p.complete(1);
            log.add("after complete");
        });
        loop.runUntilIdle();
        assertEquals(List.of("after complete", "listener"), log);
    }
    // endregion reentrancy

    @Test
    void failuresReachListenersUnwrapped() {
        Promise<Integer> p = loop.newPromise();
        IOException boom = new IOException("boom");
        Throwable[] seen = new Throwable[1];
        p.onComplete((v, f) -> seen[0] = f);
        p.fail(boom);
        loop.runUntilIdle();
        assertSame(boom, seen[0]);
        CompletionException thrown = assertThrows(CompletionException.class, p::resultNow);
        assertSame(boom, thrown.getCause(), "a checked failure is wrapped only by resultNow");
        assertThrows(IllegalStateException.class, () -> loop.<Integer>newPromise().resultNow());
    }

    @Test
    void cancelRunsProducerHooksAtOnceAndListenersLater() {
        Promise<Integer> p = loop.newPromise();
        p.onCancel(() -> log.add("hook"));
        p.onComplete((v, f) -> log.add("listener " + f.getClass().getSimpleName()));
        TimeoutException why = new TimeoutException("too slow");
        assertTrue(p.cancel(why));
        assertEquals(List.of("hook"), log);
        loop.runUntilIdle();
        assertEquals(List.of("hook", "listener CancellationException"), log);
        assertTrue(p.isCancelled());
        assertSame(why, p.failureNow().getCause());
    }

    @Test
    void mapAndFlatMapChainAndPropagateFailures() {
        Promise<Integer> source = loop.newPromise();
        Promise<String> chained = source.map(i -> i * 2).flatMap(i -> {
            Promise<String> later = loop.newPromise();
            loop.schedule(Duration.ofMillis(5), () -> later.complete("v" + i));
            return later;
        });
        source.complete(21);
        loop.runUntilIdle();
        assertFalse(chained.isDone());
        clock.advance(Duration.ofMillis(5));
        loop.runUntilIdle();
        assertEquals("v42", chained.resultNow());

        Promise<Integer> broken = loop.newPromise();
        Promise<Integer> mapped = broken.map(i -> i + 1);
        Promise<Integer> throwing = Promise.succeeded(loop, 1).map(i -> {
            throw new IllegalArgumentException("bad " + i);
        });
        broken.fail(new IOException("io"));
        loop.runUntilIdle();
        assertInstanceOf(IOException.class, mapped.failureNow());
        assertEquals("bad 1", throwing.failureNow().getMessage());
    }

    @Test
    void cancellingADerivedPromiseCancelsItsSource() {
        Promise<Integer> source = loop.newPromise();
        Promise<Integer> mapped = source.map(i -> i);
        mapped.cancel();
        assertTrue(source.isCancelled());
    }

    @Test
    void withTimeoutFailsAtTheDeadlineAndCancelsTheSource() {
        Promise<Integer> slow = loop.newPromise();
        Promise<Integer> bounded = slow.withTimeout(Duration.ofMillis(100));
        clock.advance(Duration.ofMillis(99));
        loop.runUntilIdle();
        assertFalse(bounded.isDone());
        clock.advance(Duration.ofMillis(1));
        loop.runUntilIdle();
        assertInstanceOf(TimeoutException.class, bounded.failureNow());
        assertEquals("timed out after 100 ms", bounded.failureNow().getMessage());
        assertTrue(slow.isCancelled());
        assertInstanceOf(TimeoutException.class, slow.failureNow().getCause());

        Promise<Integer> fast = loop.newPromise();
        Promise<Integer> inTime = fast.withTimeout(Duration.ofMillis(100));
        fast.complete(7);
        loop.runUntilIdle();
        assertEquals(7, inTime.resultNow());
        assertEquals(0, loop.stats().pendingTimers(), "the timeout's timer was cancelled");
    }

    @Test
    void allGathersInOrderAndFailsFast() {
        Promise<Integer> a = loop.newPromise();
        Promise<Integer> b = loop.newPromise();
        Promise<List<Integer>> both = Promise.all(loop, List.of(a, b));
        b.complete(2);
        a.complete(1);
        loop.runUntilIdle();
        assertEquals(List.of(1, 2), both.resultNow());
        assertEquals(List.of(), Promise.all(loop, List.<Promise<Integer>>of()).resultNow());

        Promise<Integer> c = loop.newPromise();
        Promise<Integer> d = loop.newPromise();
        Promise<List<Integer>> failing = Promise.all(loop, List.of(c, d));
        d.fail(new IOException("d failed"));
        loop.runUntilIdle();
        assertEquals("d failed", failing.failureNow().getMessage());
        failing.cancel();   // already settled: does not cancel the inputs
        assertFalse(c.isDone());

        Promise<Integer> e = loop.newPromise();
        Promise.all(loop, List.of(e)).cancel();
        assertTrue(e.isCancelled(), "cancelling a gather cancels its inputs");
    }

    @Test
    void anyTakesTheFirstSuccessAndCancelsTheRest() {
        Promise<String> a = loop.newPromise();
        Promise<String> b = loop.newPromise();
        Promise<String> c = loop.newPromise();
        Promise<String> first = Promise.any(loop, List.of(a, b, c));
        a.fail(new IOException("a failed"));
        b.complete("b");
        loop.runUntilIdle();
        assertEquals("b", first.resultNow());
        assertTrue(c.isCancelled());

        Promise<String> x = loop.newPromise();
        Promise<String> y = loop.newPromise();
        Promise<String> none = Promise.any(loop, List.of(x, y));
        x.fail(new IOException("x"));
        y.fail(new IOException("y"));
        loop.runUntilIdle();
        assertEquals("y", none.failureNow().getMessage());
        assertEquals("x", none.failureNow().getSuppressed()[0].getMessage());
        assertThrows(IllegalArgumentException.class, () -> Promise.any(loop, List.of()));
    }

    @Test
    @Timeout(10)
    void completesFromAnotherThreadAndBridgesToCompletableFuture() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            Promise<String> p = running.call(running.loop::newPromise);
            CompletableFuture<String> future = p.toCompletableFuture();
            Thread.ofPlatform().start(() -> p.completeFromAnyThread("from elsewhere"));
            assertEquals("from elsewhere", future.get(5, TimeUnit.SECONDS));

            Promise<String> q = running.call(running.loop::newPromise);
            q.failFromAnyThread(new IOException("nope"));
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> q.toCompletableFuture().get(5, TimeUnit.SECONDS));
            assertEquals("nope", e.getCause().getMessage());

            CompletableFuture<Integer> external = new CompletableFuture<>();
            Promise<Integer> bridged = Promise.fromCompletionStage(running.loop, external);
            Thread[] completedOn = new Thread[1];
            CompletableFuture<Integer> seen = new CompletableFuture<>();
            running.call(() -> bridged.onComplete((v, f) -> {
                completedOn[0] = Thread.currentThread();
                seen.complete(v);
            }));
            external.complete(5);
            assertEquals(5, seen.get(5, TimeUnit.SECONDS));
            assertEquals("test-loop", completedOn[0].getName(), "listeners run on the loop thread");

            Promise<String> pending = running.call(running.loop::newPromise);
            pending.toCompletableFuture().cancel(true);
            assertTrue(running.call(() -> {
                CompletableFuture<Boolean> cancelled = new CompletableFuture<>();
                running.loop.callSoon(() -> cancelled.complete(pending.isCancelled()));
                return cancelled;
            }).get(5, TimeUnit.SECONDS), "cancelling the future cancels the promise");
        }
    }

    @Test
    @Timeout(10)
    void offloadRunsOffTheLoopAndCompletesOnIt() throws Exception {
        EventLoop small = EventLoop.builder().name("offload-test").offloadThreads(1).offloadQueue(1).build();
        try (RunningLoop running = new RunningLoop(small)) {
            String worker = running.await(() -> small.offload(() -> Thread.currentThread().getName()));
            assertTrue(worker.startsWith("offload-test-offload-"), worker);

            String listenerThread = running.await(() -> {
                Promise<String> where = small.newPromise();
                small.offload(() -> 1).onComplete((v, f) -> where.complete(Thread.currentThread().getName()));
                return where;
            });
            assertEquals("offload-test", listenerThread, "the result comes back on the loop thread");

            ExecutionException failed = assertThrows(ExecutionException.class,
                    () -> running.await(() -> small.offload(() -> {
                        throw new IOException("disk on fire");
                    })));
            assertEquals("disk on fire", failed.getCause().getMessage(), "the worker's exception, unwrapped");
        }
    }

    @Test
    @Timeout(10)
    void aSaturatedOffloadPoolFailsFastWithAClearError() throws Exception {
        EventLoop small = EventLoop.builder().name("tiny").offloadThreads(1).offloadQueue(1).build();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch busy = new java.util.concurrent.CountDownLatch(1);
        try (RunningLoop running = new RunningLoop(small)) {
            Throwable third = running.call(() -> {
                small.offload(() -> {
                    busy.countDown();
                    return release.await(10, TimeUnit.SECONDS);
                });
                busy.await(5, TimeUnit.SECONDS);   // the one thread is now taken
                small.offload(() -> true);           // the one queue slot
                return small.offload(() -> true).failureNow();
            });
            assertInstanceOf(RejectedExecutionException.class, third);
            assertTrue(third.getMessage().contains("offload pool of event loop tiny is full"), third.getMessage());
        } finally {
            release.countDown();
        }
    }
}
