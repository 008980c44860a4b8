package io.rawloop.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Closing a running loop from another thread: the last callbacks (here, the resumptions of
 * 100,000 coroutines released just before) run on the loop's own thread, never on the closer's.
 * A coroutine resumed on another carrier than it ran on may see a stale Thread.currentThread()
 * in its compiled frames, and fail the loop-thread checks (found by compare's spawn experiment).
 */
@Timeout(120)
class CloseTest {

    @Test
    void closingFromAnotherThreadFinishesOnTheLoopsOwnThread() throws Exception {
        Set<String> resumedOn = ConcurrentHashMap.newKeySet();
        long errors;
        EventLoop loop = EventLoop.create();
        Thread loopThread = loop.start();
        Promise<Object> gate = loop.submit(() -> {
            Promise<Object> g = loop.newPromise();
            List<Promise<Object>> all = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) {
                all.add(loop.spawn(() -> {
                    Coroutine.await(g);
                    resumedOn.add(Thread.currentThread().getName());
                    return null;
                }));
            }
            return g;
        }).get();
        loop.execute(() -> gate.complete(null));   // queues 100,000 resumptions...
        loop.close();                              // ...and closes while they are queued
        errors = loop.stats().callbackErrors();
        assertTrue(loop.isClosed());
        assertEquals(0, errors, "no callback failed while closing");
        assertTrue(resumedOn.isEmpty() || resumedOn.equals(Set.of(loopThread.getName())),
                "coroutines resumed only on the loop's thread, not on " + resumedOn);
    }
}
