package io.rawloop.compare.jmh;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.ManualClock;
import io.rawloop.loop.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Schedule a timer and cancel it: what every request timeout costs when the request finishes in
 * time. Goal (issue 2): at least 5 M operations/s. {@code resident} timers stay in the heap, so
 * the O(log n) of the indexed heap shows.
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TimerBenchmark {

    /** Made by JMH. */
    public TimerBenchmark() {
    }

    /** Timers that stay scheduled in the heap throughout. */
    @Param({"0", "10000"})
    public int resident;

    private EventLoop loop;
    private final Duration delay = Duration.ofSeconds(30);
    private final Runnable noop = () -> { };

    /** A loop that never runs: the benchmark thread owns it, as a test does. */
    @Setup
    public void setUp() {
        loop = EventLoop.builder().clock(new ManualClock()).build();
        for (int i = 0; i < resident; i++) {
            loop.schedule(Duration.ofSeconds(1 + i % 60), noop);
        }
    }

    /** Closes the loop. */
    @TearDown
    public void tearDown() {
        loop.close();
    }

    /** One schedule and one cancel. */
    @Benchmark
    public boolean scheduleAndCancel() {
        Timer timer = loop.schedule(delay, noop);
        return timer.cancel();
    }
}
