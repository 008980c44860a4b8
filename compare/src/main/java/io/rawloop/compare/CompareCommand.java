package io.rawloop.compare;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code rawloop-compare.jar}: measurements of rawloop against other concurrency models.
 * Subcommands: {@code serve} (one back-end), {@code load} (the load generator), {@code bench}
 * (back-ends against each other, with reports), {@code experiment}, {@code jmh} and {@code memory}.
 */
@Command(name = "rawloop-compare.jar", mixinStandardHelpOptions = true,
        description = "Measure rawloop against other concurrency models.",
        subcommands = {ServeCommand.class, LoadCommand.class, io.rawloop.compare.bench.BenchCommand.class,
            ExperimentCommand.class, CompareCommand.Jmh.class, SuspendedMemory.class})
public final class CompareCommand implements Callable<Integer> {

    /** Made by picocli. */
    public CompareCommand() {
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Entry point of the runnable jar. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new CompareCommand()).execute(args));
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    /** Runs JMH's own command line over the benchmarks in this jar. */
    @Command(name = "jmh", description = {
        "Run the JMH micro-benchmarks (io.rawloop.compare.jmh) with JMH's own options,",
        "for example: jmh -f 1 -wi 3 -i 5 TimerBenchmark. 'jmh -h' lists JMH's options, 'jmh -l' the benchmarks."})
    static final class Jmh implements Callable<Integer> {

        @Unmatched
        List<String> jmhArguments = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(jmhArguments.toArray(String[]::new));
            return 0;
        }
    }
}
