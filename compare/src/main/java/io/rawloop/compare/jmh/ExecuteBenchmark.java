package io.rawloop.compare.jmh;

import io.rawloop.loop.EventLoop;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tasks handed to a running loop from another thread with {@code execute}, counted when they
 * have run (not merely queued), in batches of {@value #BATCH}. Goal (issue 2): at least
 * 5 M tasks/s.
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ExecuteBenchmark {

    /** Made by JMH. */
    public ExecuteBenchmark() {
    }

    static final int BATCH = 1000;

    private EventLoop loop;
    /** Written by the loop thread only. */
    private volatile long ran;
    private final Runnable task = () -> ran++;   // single writer: the loop thread

    /** Starts the loop on its own thread. */
    @Setup
    public void setUp() {
        loop = EventLoop.builder().name("bench-loop").build();
        loop.start();
    }

    /** Stops and closes it. */
    @TearDown
    public void tearDown() {
        loop.close();
    }

    /** Execute a batch, then wait until the loop has run all of it. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long executeBatch() {
        long target = ran + BATCH;
        for (int i = 0; i < BATCH; i++) {
            loop.execute(task);
        }
        while (ran < target) {
            Thread.onSpinWait();
        }
        return ran;
    }
}
