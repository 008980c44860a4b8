package io.rawloop.compare.bench;

import io.rawloop.compare.backend.BenchCertificate;
import io.rawloop.compare.load.LoadTls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code bench --tls}: the one certificate of the run (made in a temporary directory, deleted at
 * the end), the files each back-end's JVM is started with, a fresh {@link LoadTls} per load (the
 * measured time's handshakes are its count at the end less its count when that time began), and
 * what the runs agreed on. With {@code --new-connection},
 * its own table: full handshakes per second, each one counted by the generator's certificate
 * checks, so that a resumption could not pass for one.
 */
final class BenchTls implements AutoCloseable {

    private final BenchCertificate certificate;
    private final boolean newConnection;
    private final Set<String> negotiated = new TreeSet<>();
    /** Per back-end and rate, in order: each measured run's full handshakes. */
    private final Map<String, List<Long>> handshakes = new LinkedHashMap<>();

    private BenchTls(BenchCertificate certificate, boolean newConnection) {
        this.certificate = certificate;
        this.newConnection = newConnection;
    }

    static BenchTls make(boolean newConnection) throws IOException {
        Path dir = Files.createTempDirectory("rawloop-bench-tls");
        return new BenchTls(BenchCertificate.make(dir), newConnection);
    }

    /** What {@code serve} is given: the key's files. */
    List<String> serveArguments() {
        return certificate.serveArguments();
    }

    /** The generator's TLS for one load, trusting the run's certificate alone. */
    LoadTls load() throws IOException {
        try {
            return LoadTls.trusting(certificate.trustManagers());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust the bench's certificate: " + e.getMessage(), e);
        }
    }

    /** A measured load is over: the full handshakes of its measured time, and what its handshakes agreed on, warm-up included. */
    void measured(String backend, String rate, long fullHandshakes, Set<String> agreed) {
        handshakes.computeIfAbsent(backend + "-" + rate, k -> new ArrayList<>()).add(fullHandshakes);
        negotiated.addAll(agreed);
    }

    /** For the setup line. */
    String describe() {
        return "over TLS (the JDK's provider in every back-end, one EC P-256 certificate made for the run,"
                + " TLS 1.3 and 1.2 enabled, ALPN http/1.1; negotiated: " + (negotiated.isEmpty() ? "nothing"
                : String.join(", ", negotiated)) + "; nio-floor left out: it has no TLS)"
                + (newConnection ? ", a new connection per request (Connection: close), so each request is a full handshake" : "");
    }

    /**
     * With a new connection per request, a table of its own after the others in summary.md and
     * report.html: handshakes/s is the answered requests' rate, and the full handshakes counted
     * must be at least as many as the answers (more only by those still in flight at the end): the
     * warm-up of such a run is a load of its own, so none of its handshakes can fall in the count.
     */
    void appendHandshakeTable(Path out, Map<String, List<BenchCommand.Run>> runs, List<String> rates) throws IOException {
        if (!newConnection) {
            return;
        }
        StringBuilder md = new StringBuilder("\n## Full TLS handshakes, a new connection per request\n\n")
                .append("| back-end | rate | handshakes/s | full handshakes counted | answered | errors | CPU µs/handshake | p99 ms |\n")
                .append("|---".repeat(8)).append("|\n");
        for (String rate : rates) {
            for (Map.Entry<String, List<BenchCommand.Run>> e : runs.entrySet()) {
                List<BenchCommand.Run> rs = e.getValue();
                if (!rs.getFirst().rate().equals(rate)) {
                    continue;
                }
                double perSecond = BenchCommand.median(rs.stream().mapToDouble(r -> r.result().achievedRate()).toArray());
                long counted = handshakes.getOrDefault(e.getKey(), List.of()).stream().mapToLong(Long::longValue).sum();
                long answered = rs.stream().mapToLong(r -> r.result().completed()).sum();
                long errors = rs.stream().mapToLong(r -> r.result().errors().values().stream().mapToLong(Long::longValue).sum()).sum();
                md.append(String.format(Locale.ROOT, "| %s | %s | %,.0f | %,d | %,d | %d | %.1f | %.3f |%n", rs.getFirst().backend(),
                        rate.equalsIgnoreCase("max") ? "closed loop" : rate + "/s", perSecond, counted, answered, errors,
                        BenchCommand.median(rs.stream().mapToDouble(BenchCommand.Run::cpuMicrosPerRequest).toArray()),
                        BenchCommand.merged(rs).getValueAtPercentile(99) / 1000.0));
            }
        }
        Files.writeString(out.resolve("summary.md"), Files.readString(out.resolve("summary.md")) + md);
        Path html = out.resolve("report.html");
        String report = Files.readString(html);
        int end = report.lastIndexOf("<h2>Summary</h2>");
        Files.writeString(html, report.substring(0, end) + "<h2>Full TLS handshakes</h2>\n<pre>" + Charts.escape(md.toString().strip())
                + "</pre>\n" + report.substring(end));
    }

    /** The markdown of the handshake table, for the console (empty without a new connection per request). */
    String handshakeTable(Path out) throws IOException {
        if (!newConnection) {
            return "";
        }
        String summary = Files.readString(out.resolve("summary.md"));
        return summary.substring(summary.indexOf("\n## Full TLS handshakes"));
    }

    /** Deletes the key: nothing of it outlives the run. */
    @Override
    public void close() throws IOException {
        certificate.delete();
    }
}
