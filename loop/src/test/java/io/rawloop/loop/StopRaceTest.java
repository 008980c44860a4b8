package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * stop() racing the loop on its way into select: the loop always returns. Before the fix, a stop
 * that came after the loop had read "no stop requested" to compute its timeout, but before it
 * told the inbox it was about to block, woke nobody, and the loop slept in select for good (a
 * close() from another thread then waited forever: seen once in a full build on a busy machine).
 */
class StopRaceTest {

    private static final int ROUNDS = 2_000;

    @Test
    @Timeout(300)
    void aStopFromAnotherThreadAlwaysEndsRun() throws Exception {
        int stuck = 0;
        for (int round = 0; round < ROUNDS; round++) {
            EventLoop loop = EventLoop.builder().name("stop-race-" + round).offloadThreads(1).build();
            Thread thread = loop.start();
            if (round % 2 == 0) {
                loop.submit(() -> null).get(30, TimeUnit.SECONDS);   // once the loop is surely in its turns
            }
            loop.stop();
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                stuck++;
                loop.execute(() -> { });   // a task wakes it: free the thread, count the failure
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            loop.close();
        }
        assertEquals(0, stuck, "runs that a stop() did not end (of " + ROUNDS + ")");
    }
}
