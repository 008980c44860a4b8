package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * asyncio's debug mode: what it logs, read from the loop's logger. Slow callbacks are slow on the
 * loop's manual clock: a callback that moves it by 212 ms took 212 ms, on any machine.
 */
@Timeout(60)
class LoopDebugTest {

    private final ManualClock clock = new ManualClock();
    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger("io.rawloop.loop");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
            synchronized (logged) {
                logged.notifyAll();
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private EventLoop loop;

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
        loop = EventLoop.builder().name("dbg").clock(clock).debug(true).slowCallback(Duration.ofMillis(100)).build();
    }

    @AfterEach
    void close() {
        logger.removeHandler(capture);
        loop.close();
    }

    private void takes(long ms) {
        clock.advance(Duration.ofMillis(ms));
    }

    @Test
    void aSlowCallbackIsLoggedOnceWithItsClassAndHowLong() {
        assertTrue(loop.isDebug());
        loop.execute(() -> takes(212));
        loop.execute(() -> takes(50));   // under the threshold: not logged
        loop.runUntilIdle();
        assertEquals(List.of("slow callback: 212 ms in a lambda in io.rawloop.loop.LoopDebugTest on dbg"), slowOnes());
    }

    @Test
    void aDescribedCallbackIsLoggedByWhatItSaid() {
        loop.execute(() -> {
            loop.describeCallback("GET /cpu?n=50000000");
            takes(150);
        });
        loop.runUntilIdle();
        assertEquals(List.of("slow callback: 150 ms in GET /cpu?n=50000000 on dbg"), slowOnes());
    }

    @Test
    void aCoroutineStepIsNamedAfterTheCallbackThatSpawnedIt() {
        loop.execute(() -> {
            loop.describeCallback("GET /slow");
            loop.spawn(() -> {
                Coroutine.yieldNow();
                takes(300);   // the second step, long after the spawning callback returned
                return null;
            });
        });
        loop.runUntilIdle();
        assertEquals(List.of("slow callback: 300 ms in GET /slow on dbg"), slowOnes());
    }

    @Test
    void aSlowTimerIsNamedAsOne() {
        loop.execute(() -> loop.schedule(Duration.ofMillis(1), () -> takes(120)));
        loop.runUntilIdle();
        takes(1);
        loop.runUntilIdle();
        assertEquals(List.of("slow callback: 120 ms in timer: a lambda in io.rawloop.loop.LoopDebugTest on dbg"), slowOnes());
    }

    @Test
    void offNothingIsLogged() {
        try (EventLoop quiet = EventLoop.builder().name("quiet").clock(clock).build()) {
            assertFalse(quiet.isDebug());
            quiet.execute(() -> takes(500));
            quiet.describeCallback("ignored");
            quiet.runUntilIdle();
        }
        assertEquals(List.of(), slowOnes());
    }

    @Test
    void aCallFromAnotherThreadIsLoggedWithTheThreadAndTheMethod() throws Exception {
        try (EventLoop running = EventLoop.builder().name("dbg-running").debug(true).build()) {
            running.start();
            running.submit(() -> null).get(10, TimeUnit.SECONDS);   // it runs on its own thread now
            assertThrows(IllegalStateException.class, () -> running.callSoon(() -> { }));
        }
        String line = logged.stream().filter(l -> l.startsWith("wrong thread:")).findFirst().orElseThrow();
        assertTrue(line.contains("callSoon must be called on the thread of event loop dbg-running (dbg-running), not on "
                + Thread.currentThread().getName()), line);
    }

    @Test
    void aFailedPromiseNobodyHeardOfIsLoggedWhenDropped() throws Exception {
        loop.execute(() -> {
            loop.newPromise().fail(new IllegalStateException("nobody listened"));
            Promise<Object> heard = loop.newPromise();
            heard.fail(new IllegalStateException("somebody listened"));
            heard.onComplete((v, f) -> { });
        });
        loop.runUntilIdle();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (logged.stream().noneMatch(l -> l.contains("nobody listened")) && System.nanoTime() < deadline) {
            System.gc();   // the Cleaner logs once the collector has found the promise unreachable
            synchronized (logged) {
                logged.wait(50);   // woken by the next log record, or after 50 ms to collect once more
            }
        }
        String line = logged.stream().filter(l -> l.contains("nobody listened")).findFirst().orElseThrow();
        assertTrue(line.startsWith("a promise of event loop dbg failed with nobody listening, and was dropped:"), line);
        assertTrue(logged.stream().noneMatch(l -> l.contains("somebody listened")), logged.toString());
    }

    private List<String> slowOnes() {
        return logged.stream().filter(l -> l.startsWith("slow callback:")).toList();
    }
}
