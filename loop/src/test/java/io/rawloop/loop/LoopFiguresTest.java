package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Utilization and delay, on a manual clock: a callback that "takes" 600 ms is one that moves the
 * clock by 600 ms, so every figure is exact and nothing depends on how fast this machine is.
 */
class LoopFiguresTest {

    private static final long MS = 1_000_000;

    private final ManualClock clock = new ManualClock(0);
    private final EventLoop loop = EventLoop.builder().name("figures").clock(clock).build();

    @AfterEach
    void close() {
        loop.close();
    }

    /** A callback on the loop that keeps it busy for {@code ms} of the loop's clock. */
    private void busyFor(long ms) {
        loop.execute(() -> clock.advance(Duration.ofMillis(ms)));
        loop.runUntilIdle();
    }

    @Test
    void utilizationIsTheBusyShareOfTheLastSecond() {
        busyFor(600);
        assertEquals(1.0, loop.stats().utilization(), 1e-9, "busy all of the 600 ms it has run");
        clock.advance(Duration.ofMillis(400));   // not running: neither busy nor idle, but time passes
        assertEquals(0.6, loop.stats().utilization(), 1e-9);
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0.0, loop.stats().utilization(), 1e-9, "the busy time has left the window");
        assertEquals(600 * MS, loop.stats().busyNanos());
    }

    @Test
    void aBlockedLoopShowsInTheDelayP99ForASecond() {
        busyFor(3);   // quick iterations first: they hold no 10 ms grid point
        assertEquals(0, loop.stats().delay().count());
        busyFor(200);
        DelayHistogram delay = loop.stats().delay();
        // Grid points at 10, 20, ... 200 ms of the busy interval [3, 203] ms each waited until 203 ms.
        assertEquals(20, delay.count());
        assertEquals(193 * MS, delay.maxNanos());
        assertTrue(delay.percentileNanos(99) > 100 * MS, delay.toString());
        assertEquals(20, loop.stats().delayTotal().count());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(0, loop.stats().delay().count(), "a second later the window is empty");
        assertEquals(20, loop.stats().delayTotal().count(), "the total keeps them");
    }

    @Test
    void idleTimeAddsZeroDelaysAndABusyIntervalItsWaits() {
        DelaySampler sampler = new DelaySampler();
        sampler.idle(0, 1000 * MS);            // 100 grid points, each ran at once
        sampler.busy(1000 * MS, 1200 * MS);   // 20 grid points, waiting 190, 180, ... 0 ms
        DelayHistogram lastSecond = sampler.lastSecond(1200 * MS, LoopFigures.NONE, LoopFigures.NONE);
        assertEquals(71 + 20, lastSecond.count(), "300 ms to 1,200 ms: 71 idle points and the 20 busy ones");
        assertTrue(lastSecond.percentileNanos(50) <= 10_000, "in the first bucket, 10 µs at most");
        assertEquals(190 * MS, lastSecond.percentileNanos(99));
        assertEquals(120, sampler.total().count());
    }

    @Test
    void aBusyIntervalUnderWayCountsSoFar() {
        DelaySampler sampler = new DelaySampler();
        DelayHistogram h = sampler.lastSecond(250 * MS, 0, LoopFigures.NONE);   // busy since 0, still
        assertEquals(25, h.count());
        assertEquals(240 * MS, h.maxNanos());
    }

    @Test
    void percentilesInterpolateInsideABucketAndStopAtTheMax() {
        long[] counts = new long[DelayHistogram.buckets()];
        counts[DelayHistogram.bucketOf(150 * MS)] = 10;   // the (100, 250] ms bucket
        DelayHistogram h = new DelayHistogram(counts, 1500 * MS, 150 * MS);
        assertEquals(115 * MS, h.percentileNanos(10));
        assertEquals(150 * MS, h.percentileNanos(100), "never above the largest sample");
        assertEquals(0, new DelayHistogram(new long[DelayHistogram.buckets()], 0, 0).percentileNanos(99));
    }

    @Test
    void theQueueAndChannelFiguresAreThere() {
        loop.execute(() -> loop.callSoon(() -> { }));
        loop.runUntilIdle();
        LoopStats s = loop.stats();
        assertEquals(2, s.callbacksRun());
        assertTrue(s.callbacksPerIteration() > 0);
        assertEquals(0, s.readyCallbacks());
    }

    @Test
    void aVeryLongBusyIntervalIsCountedByBucketsNotOneByOne() {
        DelaySampler sampler = new DelaySampler();
        sampler.busy(0, 3_600_000 * MS);   // an hour: 360,000 grid points
        DelayHistogram total = sampler.total();
        assertEquals(360_000, total.count());
        assertEquals(3_600_000 * MS - 10 * MS, total.maxNanos());
        assertEquals(1, total.count(0), "the last grid point waited 0");
        assertEquals(360_000 - 1001, total.count(DelayHistogram.buckets() - 1), "all but the 1,001 of the last 10 s waited longer");
        DelaySampler longAgo = new DelaySampler();
        longAgo.busy(0, Long.MAX_VALUE / 4);   // "never": it must end, and not overflow
        assertTrue(longAgo.total().count() > 0);
    }
}
