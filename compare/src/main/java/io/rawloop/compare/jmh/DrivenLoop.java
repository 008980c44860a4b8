package io.rawloop.compare.jmh;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A loop that the benchmark thread itself drives with {@code runUntilIdle}, as a test does: no
 * second thread, no wake-ups, so what is measured is the loop's own work.
 */
@State(Scope.Thread)
public class DrivenLoop {

    /** Made by JMH. */
    public DrivenLoop() {
    }

    /** The loop; its clock is manual, so no timer fires unless a benchmark moves it. */
    public EventLoop loop;

    /** Opens the loop. */
    @Setup
    public void open() {
        loop = EventLoop.builder().name("bench-driven").clock(new ManualClock()).build();
    }

    /** Closes it. */
    @TearDown
    public void close() {
        loop.close();
    }
}
