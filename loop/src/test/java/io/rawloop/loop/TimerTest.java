package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Timers on virtual time: nothing here sleeps or depends on the machine's speed. */
class TimerTest {

    private final ManualClock clock = new ManualClock();
    private final EventLoop loop = EventLoop.builder().clock(clock).build();
    private final List<String> fired = new ArrayList<>();

    @AfterEach
    void close() {
        loop.close();
    }

    private Timer at(long millis, String label) {
        return loop.schedule(Duration.ofMillis(millis), () -> fired.add(label));
    }

    private void advance(long millis) {
        clock.advance(Duration.ofMillis(millis));
        loop.runUntilIdle();
    }

    // region virtualTime
    @Test
    void timersFireInDeadlineOrderOnlyOnceTheirTimeHasCome() {
        at(30, "c");
        at(10, "a");
        at(20, "b");
        loop.runUntilIdle();
        assertEquals(List.of(), fired, "nothing is due before time moves");
        advance(9);
        assertEquals(List.of(), fired);
        advance(1);
        assertEquals(List.of("a"), fired, "a timer fires exactly at its deadline");
        advance(100);
        assertEquals(List.of("a", "b", "c"), fired);
        assertEquals(0, loop.stats().pendingTimers());
    }
    // endregion virtualTime

    @Test
    void equalDeadlinesFireInSchedulingOrder() {
        for (int i = 0; i < 1000; i++) {
            at(5, "t" + i);
        }
        advance(5);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            expected.add("t" + i);
        }
        assertEquals(expected, fired);
    }

    @Test
    void randomDeadlinesComeOutSortedWithTiesInSchedulingOrder() {
        Random random = new Random(42);
        List<long[]> scheduled = new ArrayList<>();
        List<long[]> order = new ArrayList<>();
        List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            long[] entry = {random.nextInt(500), i};
            scheduled.add(entry);
            timers.add(loop.schedule(Duration.ofMillis(entry[0]), () -> order.add(entry)));
        }
        // cancel about a third of them, at random positions in the heap
        for (int i = scheduled.size() - 1; i >= 0; i--) {
            if (random.nextInt(3) == 0) {
                assertTrue(timers.get(i).cancel());
                scheduled.remove(i);
            }
        }
        advance(500);
        scheduled.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        assertEquals(scheduled, order);
    }

    @Test
    void cancelBeforeTheDeadlineStopsTheTimer() {
        Timer t = at(10, "x");
        assertTrue(t.cancel());
        assertTrue(t.isCancelled());
        advance(20);
        assertEquals(List.of(), fired);
        assertFalse(t.cancel(), "a second cancel changes nothing");
    }

    @Test
    void cancelAfterTheDeadlineButBeforeTheLoopRanStillStopsIt() {
        Timer t = at(10, "x");
        clock.advance(Duration.ofMillis(10));   // due now, but the loop has not looked yet
        assertTrue(t.cancel());
        loop.runUntilIdle();
        assertEquals(List.of(), fired);
    }

    @Test
    void cancelAfterFiringReturnsFalse() {
        Timer t = at(10, "x");
        advance(10);
        assertTrue(t.hasFired());
        assertFalse(t.cancel());
        assertFalse(t.isCancelled());
    }

    @Test
    void aCallbackCanCancelASiblingDueInTheSameIteration() {
        Timer[] second = new Timer[1];
        loop.schedule(Duration.ofMillis(10), () -> {
            fired.add("first");
            assertTrue(second[0].cancel(), "the sibling is due but has not run: cancel must stop it");
        });
        second[0] = at(10, "second");
        advance(10);
        assertEquals(List.of("first"), fired);
        assertTrue(second[0].isCancelled());
    }

    @Test
    void aCallbackCanCancelItself() {
        Timer[] self = new Timer[1];
        self[0] = loop.schedule(Duration.ofMillis(1), () -> fired.add("ran, cancel=" + self[0].cancel()));
        advance(1);
        assertEquals(List.of("ran, cancel=false"), fired);
    }

    @Test
    void aTimerScheduledFromACallbackWithZeroDelayRunsInALaterIteration() {
        loop.schedule(Duration.ZERO, () -> {
            fired.add("outer");
            at(0, "inner");
        });
        loop.runUntilIdle();
        assertEquals(List.of("outer", "inner"), fired);
    }

    @Test
    void hundredThousandScheduledAndCancelledTimersLeaveNothingBehind() {
        List<Timer> timers = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            timers.add(at(1000 + i, "never"));
        }
        assertEquals(100_000, loop.timers().size());
        timers.forEach(Timer::cancel);
        assertEquals(0, loop.timers().size());
        assertTrue(loop.timers().capacity() <= 128, "heap array shrank back, capacity " + loop.timers().capacity());
        // schedule and cancel one at a time, as request timeouts do
        for (int i = 0; i < 100_000; i++) {
            at(1000, "never").cancel();
        }
        assertEquals(0, loop.timers().size());
        advance(10_000);
        assertEquals(List.of(), fired);
    }

    @Test
    void selectTimeoutComesFromTheNearestTimer() {
        assertEquals(EventLoop.BLOCK_UNTIL_WOKEN, loop.selectTimeoutMillis(), "no timer: block until woken");
        at(250, "far");
        Timer near = at(40, "near");
        assertEquals(40, loop.selectTimeoutMillis());
        clock.advance(Duration.ofNanos(15_500_000));
        assertEquals(25, loop.selectTimeoutMillis(), "24.5 ms left rounds up, never wakes early");
        near.cancel();
        assertEquals(235, loop.selectTimeoutMillis());
        clock.advance(Duration.ofMillis(300));
        assertEquals(0, loop.selectTimeoutMillis(), "a due timer: do not block");
        loop.callSoon(() -> { });
        assertEquals(0, loop.selectTimeoutMillis());
    }

    @Test
    void readyCallbacksMakeTheSelectTimeoutZero() {
        at(1000, "later");
        loop.execute(() -> { });
        assertEquals(0, loop.selectTimeoutMillis(), "a task from execute is waiting");
    }

    @Test
    void theLoopRecordsHowLateTimersRan() {
        at(10, "x");
        clock.advance(Duration.ofMillis(17));   // the loop was busy: it runs the timer 7 ms late
        loop.runUntilIdle();
        assertEquals(7_000_000, loop.stats().timerLagMaxNanos());
        assertEquals(1, loop.stats().timersFired());
    }

    @Test
    void hugeDelaysDoNotOverflow() {
        at(1, "soon");
        loop.schedule(Duration.ofDays(365L * 1000), () -> fired.add("never"));
        advance(1);
        assertEquals(List.of("soon"), fired);
        assertTrue(loop.selectTimeoutMillis() > 0);
    }

    @Test
    void aTimersDeadlineIsOnTheLoopsClock() {
        clock.advance(Duration.ofSeconds(3));
        Timer timer = loop.schedule(Duration.ofMillis(1500), () -> { });
        assertEquals(clock.nanoTime() + 1_500_000_000L, timer.deadlineNanos());
        timer.cancel();
    }
}
