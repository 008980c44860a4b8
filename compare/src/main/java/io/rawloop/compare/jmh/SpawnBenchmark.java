package io.rawloop.compare.jmh;

import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Start a unit of work that suspends once and then finishes, in batches of {@value #BATCH}: a
 * coroutine that awaits a shared promise, a virtual thread that parks on a shared latch, a
 * platform thread that does the same. The time per unit covers creating it, running it to the
 * suspension, waking it and letting it finish. Goal (issue 3): a coroutine at most 0.6x a
 * virtual thread. Coroutines run on one loop driven by this thread; virtual threads on the
 * JDK's default scheduler (one carrier per core, here 2).
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SpawnBenchmark {

    /** Made by JMH. */
    public SpawnBenchmark() {
    }

    static final int BATCH = 1000;

    private final Thread[] threads = new Thread[BATCH];


    /** A coroutine that awaits once. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void coroutineAwaitingOnce(DrivenLoop driven) {
        EventLoop loop = driven.loop;
        Promise<Object> gate = loop.newPromise();
        for (int i = 0; i < BATCH; i++) {
            loop.spawn(() -> Coroutine.await(gate));
        }
        loop.runUntilIdle();        // every coroutine has started and suspended
        gate.complete("go");
        loop.runUntilIdle();        // every coroutine has resumed and finished
    }

    /** A virtual thread that parks once. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void virtualThreadParkingOnce() throws InterruptedException {
        startParkWakeJoin(Thread.ofVirtual());
    }

    /** A platform thread that parks once. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void platformThreadParkingOnce() throws InterruptedException {
        startParkWakeJoin(Thread.ofPlatform());
    }

    private void startParkWakeJoin(Thread.Builder builder) throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        Runnable parkOnce = () -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        for (int i = 0; i < BATCH; i++) {
            threads[i] = builder.start(parkOnce);
        }
        gate.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }
}
