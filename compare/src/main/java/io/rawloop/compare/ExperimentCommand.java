package io.rawloop.compare;

import io.rawloop.compare.experiment.Experiments;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code experiment NAME}: the experiments of the Python concurrency talks, in Java, each printing a Markdown table. */
@Command(name = "experiment", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run one of the Python concurrency talks' experiments (see the tutorial's 'Where this comes from'), in Java, and print its Markdown table:",
            "downloads, spawn, c10k, blocking, cpu, processes; and tls-silent, a flood of TLS connections that never say hello."})
final class ExperimentCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME", description = "downloads, spawn, c10k, blocking, cpu, processes or tls-silent.")
    String name;

    @Option(names = "--urls", defaultValue = "200", description = "downloads: URLs (default ${DEFAULT-VALUE}).")
    int urls;

    @Option(names = "--delay-ms", defaultValue = "100", description = "downloads: the server's delay per URL (default ${DEFAULT-VALUE}).")
    int delayMs;

    @Option(names = "--count", defaultValue = "1000000", description = "spawn: units (default ${DEFAULT-VALUE}; platform threads: a hundredth).")
    int count;

    @Option(names = "--connections", description = "c10k: idle connections (default 10000); tls-silent: silent TLS"
            + " connections (default 1000).")
    Integer connections;

    @Option(names = "--backends", split = ",", defaultValue = "loop,loop-coroutines,threads,virtual-threads,netty-nio,netty-epoll",
            description = "c10k: back-ends (default: the six HTTP servers; nio-floor may be named too).")
    List<String> backends;

    @Option(names = "--ws", description = "c10k: idle WebSocket connections (each echoed one message), on the back-ends that"
            + " serve /ws/echo: loop, loop-coroutines, netty-nio, netty-epoll.")
    boolean ws;

    @Option(names = "--duration", defaultValue = "10s", converter = Durations.class, description = "blocking, tls-silent: per phase (default ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", defaultValue = "5000", description = "blocking: /hello requests/s (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--work", defaultValue = "20000000", description = "blocking: rounds per /cpu; cpu, processes: 50 times that in all (default ${DEFAULT-VALUE}).")
    long work;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Arrays.asList(Experiments.NAMES).contains(name)) {
            spec.commandLine().getErr().println("no experiment '" + name + "'; there are " + String.join(", ", Experiments.NAMES));
            return 2;
        }
        int idle = connections != null ? connections : name.equals("tls-silent") ? 1000 : 10000;
        if (urls < 1 || delayMs < 0 || count < 1 || idle < 1 || rate <= 0 || work < 1) {
            spec.commandLine().getErr().println("--urls, --count, --connections, --rate and --work must be positive");
            return 2;
        }
        String table;
        try {
            table = Experiments.run(name, new Experiments.Settings(urls, delayMs, count, idle, backends, duration,
                    rate, work, ws));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        spec.commandLine().getOut().print(table);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
