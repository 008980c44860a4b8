package io.rawloop.client.cli;

import io.rawloop.client.ClientConfig;
import io.rawloop.client.ClientTls;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fetch URL...}: downloads every URL in one of the concurrency models and prints a line per
 * URL in the order they finish, then a summary. Exit status 0 when every URL answered below 400,
 * 1 otherwise, 2 for a usage error.
 */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Download URLs: a line per URL as it finishes (status, bytes, time, URL), then a summary.",
            "The Python concurrency talks' download-all-sites program, in one of four concurrency models (and the JDK's client)."})
final class FetchCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", arity = "0..*", description = "http:// or https:// URLs to download.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--urls", paramLabel = "FILE", description = "Also read URLs from FILE, one a line (# starts a comment).")
    Path urlFile;

    @Option(names = "--mode", defaultValue = "loop",
            description = "loop, sequential, threads, virtual or jdk (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--concurrency", defaultValue = "10", description = "Requests in flight at once (default ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--repeat", defaultValue = "1", description = "Fetch the whole list this many times (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--timeout-ms", defaultValue = "30000",
            description = "Connect and response-header timeout, and total per URL for the loop and jdk modes (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary line (and failures).")
    boolean quiet;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "https: trust the CA certificates of this PEM file instead of the JDK's trust store (as curl).")
    Path caCert;

    @Option(names = {"-k", "--insecure"},
            description = "https: check neither the certificate nor the name (as curl): encrypted, not authenticated.")
    boolean insecure;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Set by tests: keep every body, to compare the modes' bytes. */
    List<Fetched> results;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Mode chosen;
        try {
            chosen = Mode.valueOf(mode.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            err.println("--mode must be loop, sequential, threads, virtual or jdk, not '" + mode + "'");
            return 2;
        }
        if (concurrency < 1 || repeat < 1 || timeoutMs < 1) {
            err.println("--concurrency, --repeat and --timeout-ms must be at least 1");
            return 2;
        }
        List<String> all = new ArrayList<>(urls);
        if (urlFile != null) {
            try {
                for (String line : Files.readAllLines(urlFile)) {
                    String url = line.strip();
                    if (!url.isEmpty() && !url.startsWith("#")) {
                        all.add(url);
                    }
                }
            } catch (IOException e) {
                err.println("--urls: cannot read " + urlFile + ": " + e.getMessage());
                return 2;
            }
        }
        if (all.isEmpty()) {
            err.println("no URL given: name some, or use --urls FILE");
            return 2;
        }
        List<String> work = new ArrayList<>(all.size() * repeat);
        for (int i = 0; i < repeat; i++) {
            work.addAll(all);
        }
        Duration timeout = Duration.ofMillis(timeoutMs);
        ClientTls tls;
        try {
            tls = tls(caCert, insecure);
        } catch (IOException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        ClientConfig config = ClientConfig.DEFAULT.withConnectTimeout(timeout).withHeaderTimeout(timeout).withTotalTimeout(timeout)
                .withMaxResponseBytes(Integer.MAX_VALUE - 8).withTls(tls.withHandshakeTimeout(timeout));
        Summary summary = new Summary();
        boolean keep = results != null;
        long start = System.nanoTime();
        chosen.run(work, concurrency, new Mode.Job(config, f -> {
            synchronized (summary) {
                summary.add(f);
                if (keep) {
                    results.add(f);
                }
                if (!quiet || !f.succeeded()) {
                    out.println(f.line());
                }
            }
        }, keep));
        double seconds = (System.nanoTime() - start) / 1e9;
        out.println(summary.line(seconds, mode.toLowerCase(Locale.ROOT), chosen == Mode.SEQUENTIAL ? 1 : concurrency));
        out.flush();
        return summary.failed == 0 ? 0 : 1;
    }

    /** curl's two TLS options, as a {@link ClientTls}; the message of a failure names the option. */
    static ClientTls tls(Path caCert, boolean insecure) throws IOException {
        if (caCert != null && insecure) {
            throw new IllegalArgumentException("--cacert and --insecure contradict each other: give one");
        }
        if (caCert != null) {
            try {
                return ClientTls.trusting(caCert);
            } catch (IOException e) {
                throw new IOException("--cacert: " + e.getMessage(), e);
            }
        }
        return insecure ? ClientTls.unverified() : ClientTls.DEFAULT;
    }

    /** Totals over every URL. */
    private static final class Summary {
        long urls;
        long bytes;
        long failed;

        void add(Fetched f) {
            urls++;
            bytes += f.bytes();
            if (!f.succeeded()) {
                failed++;
            }
        }

        String line(double seconds, String mode, int concurrency) {
            String text = String.format(Locale.ROOT, "%d URLs, %d bytes in %.2f s (%s, concurrency %d)",
                    urls, bytes, seconds, mode, concurrency);
            return failed == 0 ? text : text + ", " + failed + " failed";
        }
    }
}
