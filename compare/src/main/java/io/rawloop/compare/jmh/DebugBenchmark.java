package io.rawloop.compare.jmh;

import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What asyncio's debug mode costs the loop ({@code EventLoop.builder().debug(...)}), off and on:
 * callbacks through the ready queue, and promises settled and heard, {@value #BATCH} per
 * invocation on a loop the benchmark thread drives itself (the real clock, as in production).
 * Off must cost nothing measurable: each hook is one null check. On, every callback is timed.
 */
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DebugBenchmark {

    /** Made by JMH. */
    public DebugBenchmark() {
    }

    static final int BATCH = 1000;

    /** Debug mode off or on. */
    @Param({"false", "true"})
    public boolean debug;

    private EventLoop loop;
    private long ran;
    private final Runnable callback = () -> ran++;

    /** A loop in the mode measured. */
    @Setup
    public void open() {
        loop = EventLoop.builder().name("bench-debug").debug(debug).build();
    }

    /** Closes it. */
    @TearDown
    public void close() {
        loop.close();
    }

    /** A batch of callbacks queued, then run by the loop: per callback. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long callbacks() {
        for (int i = 0; i < BATCH; i++) {
            loop.callSoon(callback);
        }
        loop.runUntilIdle();
        return ran;
    }

    /** A batch of promises, each listened to, then settled: per promise. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long promises() {
        for (int i = 0; i < BATCH; i++) {
            Promise<Integer> p = loop.newPromise();
            p.onComplete((v, f) -> ran++);
            p.complete(i);
        }
        loop.runUntilIdle();
        return ran;
    }
}
