package io.rawloop.compare.experiment;

import io.rawloop.compare.backend.Work;

/**
 * One child JVM of {@code experiment processes}: computes its share of the work and prints one
 * line, {@code result VALUE NANOS}, the result and how long the computing itself took, so that the
 * parent can tell the work from the cost of starting a JVM and passing the result back.
 */
public final class CpuChild {

    private CpuChild() {
    }

    /**
     * Entry point of a child.
     *
     * @param args one argument: the rounds of {@link Work#cpu} to compute
     */
    public static void main(String[] args) {
        long rounds = Long.parseLong(args[0]);
        long start = System.nanoTime();
        long result = Work.cpu(rounds);
        System.out.println("result " + result + " " + (System.nanoTime() - start));
    }
}
