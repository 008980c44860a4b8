package io.rawloop.loop;

import static io.rawloop.loop.Coroutine.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Coroutines on a loop with a manual clock: suspension, resumption, cancellation, timeouts. */
class CoroutineTest {

    private final ManualClock clock = new ManualClock();
    private final EventLoop loop = EventLoop.builder().name("coroutine-loop").clock(clock).build();
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
    }

    private void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        loop.runUntilIdle();
    }

    @Test
    @Timeout(120)
    void aHundredThousandSleepersWakeInDeadlineOrderAndLeaveNothingBehind() {
        int n = 100_000;
        List<Integer> durations = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            durations.add(i);
        }
        Collections.shuffle(durations, new Random(3));
        List<Integer> woke = new ArrayList<>(n);
        List<Promise<Integer>> tasks = new ArrayList<>(n);
        for (int d : durations) {
            tasks.add(loop.spawn(() -> {
                Coroutine.sleep(Duration.ofMillis(d));
                woke.add(d);
                return d;
            }));
        }
        loop.runUntilIdle();
        assertEquals(n, loop.stats().pendingTimers(), "every coroutine is asleep on its own timer");
        assertEquals(List.of(), woke);
        advance(n / 2);
        assertEquals(n / 2, woke.size(), "exactly those whose time has come");
        advance(n);
        List<Integer> sorted = new ArrayList<>(durations);
        Collections.sort(sorted);
        assertEquals(sorted, woke, "they woke in deadline order");
        assertTrue(tasks.stream().allMatch(Promise::isSucceeded));
        LoopStats stats = loop.stats();
        assertEquals(0, stats.pendingTimers());
        assertEquals(0, stats.readyCallbacks());
    }

    @Test
    void awaitReturnsTheValueAndAnAlreadySettledPromiseDoesNotSuspend() {
        Promise<String> later = loop.newPromise();
        Promise<String> task = loop.spawn(() -> {
            String now = await(Promise.succeeded(loop, "now"));
            log.add(now + " in the same turn");
            String value = await(later);
            log.add(value);
            return value + "!";
        });
        loop.runUntilIdle();
        assertEquals(List.of("now in the same turn"), log);
        loop.callSoon(() -> later.complete("later"));
        loop.runUntilIdle();
        assertEquals("later!", task.resultNow());
    }

    @Test
    void failuresCrossAwaitAsTheVeryExceptionAndFailTheTask() {
        IOException boom = new IOException("boom");
        Promise<String> failing = loop.newPromise();
        Throwable[] caught = new Throwable[1];
        Promise<String> task = loop.spawn(() -> {
            try {
                return await(failing);
            } catch (IOException e) {
                caught[0] = e;
                throw e;
            }
        });
        loop.runUntilIdle();
        loop.callSoon(() -> failing.fail(boom));
        loop.runUntilIdle();
        assertSame(boom, caught[0], "not wrapped");
        assertSame(boom, task.failureNow());
    }

    @Test
    void cancellingASuspendedTaskThrowsAtTheAwaitRunsFinallyAndSettlesAfterwards() {
        Promise<String> never = loop.newPromise();
        int[] resumed = {0};
        Promise<String> task = loop.spawn(() -> {
            try {
                return await(never);
            } finally {
                resumed[0]++;
                log.add("finally");
            }
        });
        loop.runUntilIdle();
        assertTrue(task.cancel(), "a request was made");
        assertFalse(task.isDone(), "the task settles once the coroutine has unwound, not before");
        assertTrue(never.isCancelled(), "the awaited promise is cancelled with it");
        loop.runUntilIdle();
        assertEquals(List.of("finally"), log);
        assertTrue(task.isCancelled());
        loop.callSoon(() -> never.complete("too late"));   // already cancelled: no effect
        loop.runUntilIdle();
        assertEquals(1, resumed[0], "never resumed twice");
    }

    @Test
    void aCancellationAndACompletionInTheSameTurnResumeTheCoroutineOnce() {
        Promise<String> raceful = loop.newPromise();
        List<String> outcomes = new ArrayList<>();
        Promise<Object> task = loop.spawn(() -> {
            try {
                outcomes.add("value " + await(raceful));
            } catch (CancellationException e) {
                outcomes.add("cancelled");
            }
            return null;
        });
        loop.runUntilIdle();
        loop.callSoon(() -> {
            // Both wake-ups are now queued: the promise's listener, then the cancellation's.
            raceful.complete("value");
            task.cancel();
        });
        loop.runUntilIdle();
        // The cancellation came while the coroutine was still suspended, so the one wake-up
        // (the promise's listener) delivers the cancellation, not the value: asyncio does the
        // same (a done future, then cancel() before the task stepped, raises CancelledError).
        assertEquals(List.of("cancelled"), outcomes, "resumed exactly once");
        assertEquals(0, loop.stats().callbackErrors(), "no second resumption was even attempted");
        assertTrue(task.isDone());
    }

    @Test
    void aTaskCancelledBeforeItStartsNeverRunsAndCancellingAFinishedTaskDoesNothing() {
        Promise<String> task = loop.spawn(() -> {
            log.add("ran");
            return "x";
        });
        assertTrue(task.cancel());
        loop.runUntilIdle();
        assertEquals(List.of(), log);
        assertTrue(task.isCancelled());

        Promise<String> done = loop.spawn(() -> "done");
        loop.runUntilIdle();
        assertFalse(done.cancel());
        assertEquals("done", done.resultNow());
    }

    @Test
    void aCoroutineThatCancelsItselfIsToldAtItsNextAwait() {
        Promise<?>[] self = new Promise<?>[1];
        self[0] = loop.spawn(() -> {
            self[0].cancel();
            log.add("still running");
            Coroutine.sleep(Duration.ofMillis(1));
            log.add("unreachable");
            return null;
        });
        loop.runUntilIdle();
        assertEquals(List.of("still running"), log);
        assertTrue(self[0].isCancelled());
        assertEquals(0, loop.stats().pendingTimers(), "no timer was left armed");
    }

    @Test
    void sleepingCoroutinesAreCancelledWithTheirTimer() {
        Promise<Object> task = loop.spawn(() -> {
            try {
                Coroutine.sleep(Duration.ofHours(1));
            } finally {
                log.add("finally");
            }
            return null;
        });
        loop.runUntilIdle();
        assertEquals(1, loop.stats().pendingTimers());
        task.cancel();
        assertEquals(0, loop.stats().pendingTimers(), "the sleep's timer went at once");
        loop.runUntilIdle();
        assertEquals(List.of("finally"), log);
        assertTrue(task.isCancelled());
    }

    @Test
    void aTimeoutIsACancellationWhoseCauseSaysSoAndFinallyRunsBeforeTheCallerHears() {
        Promise<String> outer = loop.spawn(() -> {
            try {
                return Coroutine.withTimeout(Duration.ofMillis(100), () -> {
                    try {
                        Coroutine.sleep(Duration.ofSeconds(10));
                        return "slept";
                    } catch (CancellationException e) {
                        log.add("child cancelled because " + e.getCause().getMessage());
                        throw e;
                    } finally {
                        log.add("child finally");
                    }
                });
            } catch (TimeoutException e) {
                log.add("caller: " + e.getMessage());
                return "timed out";
            }
        });
        loop.runUntilIdle();
        advance(99);
        assertEquals(List.of(), log);
        advance(1);
        assertEquals(List.of("child cancelled because timed out after 100 ms", "child finally",
                "caller: timed out after 100 ms"), log);
        assertEquals("timed out", outer.resultNow());
        assertEquals(0, loop.stats().pendingTimers());

        Promise<String> quick = loop.spawn(() -> Coroutine.withTimeout(Duration.ofMillis(100), () -> {
            Coroutine.sleep(Duration.ofMillis(10));
            return "in time";
        }));
        loop.runUntilIdle();
        advance(10);
        assertEquals("in time", quick.resultNow());
        assertEquals(0, loop.stats().pendingTimers(), "the timeout's timer was cancelled");
    }

    @Test
    void awaitAllGathersAndAwaitFirstCancelsTheLoser() {
        Promise<List<String>> all = loop.spawn(() -> Coroutine.awaitAll(List.of(
                loop.spawn(() -> sleepThen(30, "a")), loop.spawn(() -> sleepThen(10, "b")))));
        Promise<Object> slow = loop.newPromise();
        Promise<String> first = loop.spawn(() -> Coroutine.awaitFirst(List.<Promise<String>>of(
                loop.spawn(() -> sleepThen(20, "fast")), slow.map(v -> "slow"))));
        loop.runUntilIdle();
        advance(20);
        assertEquals("fast", first.resultNow());
        assertTrue(slow.isCancelled(), "the loser was cancelled");
        advance(10);
        assertEquals(List.of("a", "b"), all.resultNow(), "values in the order given, not of finishing");
    }

    private static String sleepThen(long millis, String value) {
        Coroutine.sleep(Duration.ofMillis(millis));
        return value;
    }

    @Test
    void yieldNowLetsEveryOtherReadyCallbackRunFirst() {
        loop.spawn(() -> {
            log.add("a1");
            Coroutine.yieldNow();
            log.add("a2");
            return null;
        });
        loop.spawn(() -> {
            log.add("b1");
            Coroutine.yieldNow();
            log.add("b2");
            return null;
        });
        loop.runUntilIdle();
        assertEquals(List.of("a1", "b1", "a2", "b2"), log);
    }

    @Test
    void deepRecursionAndLargeLocalsSurviveSuspension() {
        Promise<Long> task = loop.spawn(() -> descend(2_000));
        loop.runUntilIdle();
        advance(1);
        long expected = 0;
        for (int depth = 2_000; depth > 0; depth--) {
            expected += depth * 3L + (depth % 7) + 1_000_000L;
        }
        assertEquals(expected, task.resultNow());
    }

    /** Each frame keeps locals alive across the suspension at the bottom. */
    private static long descend(int depth) {
        if (depth == 0) {
            Coroutine.sleep(Duration.ofMillis(1));
            return 0;
        }
        long a = depth * 3L;
        int b = depth % 7;
        long[] big = new long[1000];
        big[999] = 1_000_000L;
        double d = depth / 2.0;
        long below = descend(depth - 1);
        return below + a + b + big[999] + (long) (d * 2 - depth);
    }

    @Test
    @Timeout(10)
    void aPromiseCompletedFromAnotherThreadResumesTheCoroutineOnTheLoopThread() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            Promise<String> bridge = running.call(running.loop::newPromise);
            Promise<String> task = running.call(() -> running.loop.spawn(() -> {
                String value = await(bridge);
                return value + " on " + Thread.currentThread().getName();
            }));
            Thread.ofPlatform().start(() -> bridge.completeFromAnyThread("hello"));
            assertEquals("hello on test-loop", task.toCompletableFuture().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void spawnFromAnotherThreadGoesThroughExecute() throws Exception {
        try (RunningLoop running = new RunningLoop()) {
            Promise<String> task = running.loop.spawn(() -> Thread.currentThread().getName());
            assertEquals("test-loop", task.toCompletableFuture().get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void resultsOfNestedTasksAreAwaitable() {
        Promise<Integer> outer = loop.spawn(() -> {
            Promise<Integer> inner = loop.spawn(() -> sleepThen(5, "x").length());
            return await(inner) + 1;
        });
        loop.runUntilIdle();
        advance(5);
        assertEquals(2, outer.resultNow());
        assertInstanceOf(Integer.class, outer.resultNow());
        assertThrows(IllegalStateException.class, () -> loop.<Integer>newPromise().resultNow());
    }

    @Test
    void inCoroutineIsTrueOnlyInsideOne() {
        assertEquals(false, Coroutine.inCoroutine(), "the test thread");
        Promise<Boolean> inside = loop.spawn(Coroutine::inCoroutine);
        Promise<Boolean> callback = loop.newPromise();
        loop.callSoon(() -> callback.complete(Coroutine.inCoroutine()));
        assertEquals(true, loop.runUntilComplete(inside));
        assertEquals(false, loop.runUntilComplete(callback), "a plain callback on the loop thread");
    }
}
