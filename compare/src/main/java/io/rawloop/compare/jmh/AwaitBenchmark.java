package io.rawloop.compare.jmh;

import io.rawloop.loop.Coroutine;
import io.rawloop.loop.EventLoop;
import io.rawloop.loop.Promise;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * One await round trip: a coroutine awaits a fresh promise that a callback completes in the next
 * turn, and resumes. Covers the promise, the listener, two passes through the ready queue, and
 * the continuation's yield and resume. Compared with the bare loop cost of the same two hops
 * without a coroutine (callbacks only).
 */
@Fork(jvmArgsAppend = "--add-exports=java.base/jdk.internal.vm=ALL-UNNAMED")
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AwaitBenchmark {

    /** Made by JMH. */
    public AwaitBenchmark() {
    }

    static final int ROUNDS = 1000;



    /** await on a promise completed by a callback. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object awaitRoundTrip(DrivenLoop driven) {
        EventLoop loop = driven.loop;
        Promise<Integer> done = loop.spawn(() -> {
            int sum = 0;
            for (int i = 0; i < ROUNDS; i++) {
                Promise<Integer> p = loop.newPromise();
                int value = i;
                loop.callSoon(() -> p.complete(value));
                sum += Coroutine.await(p);
            }
            return sum;
        });
        loop.runUntilIdle();
        return done.resultNow();
    }

    /** The same promise traffic with a listener instead of a coroutine: the baseline. */
    @Benchmark
    @OperationsPerInvocation(ROUNDS)
    public Object listenerRoundTrip(DrivenLoop driven) {
        EventLoop loop = driven.loop;
        int[] sum = {0};
        Promise<Integer> finished = loop.newPromise();
        Runnable[] step = new Runnable[1];
        int[] i = {0};
        step[0] = () -> {
            if (i[0] == ROUNDS) {
                finished.complete(sum[0]);
                return;
            }
            Promise<Integer> p = loop.newPromise();
            int value = i[0]++;
            loop.callSoon(() -> p.complete(value));
            p.onComplete((v, f) -> {
                sum[0] += v;
                step[0].run();
            });
        };
        loop.callSoon(step[0]);
        loop.runUntilIdle();
        return finished.resultNow();
    }
}
