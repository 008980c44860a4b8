package io.rawloop.compare.bench;

import io.rawloop.compare.load.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.Histogram;

/** Writes a bench's files: the .hgrm distributions, summary.md, summary.csv, report.html. */
final class Results {

    private static final String COLUMNS = "| back-end | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | CPU s |"
            + " CPU µs/req | alloc B/req | loop-thread B/req | peak RSS MB | max threads |\n";
    private static final String CSV_COLUMNS = "rate,backend,achieved_rps,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,errors,cpu_s,"
            + "cpu_us_per_req,alloc_b_per_req,loop_thread_b_per_req,peak_rss_mb,max_threads\n";
    /** Where a figure does not apply: the loop thread of a back-end that has none. */
    private static final String NONE = "—";

    private Results() {
    }

    /** One back-end at one rate, its rounds merged (latencies) or their medians (the rest). */
    record Row(String backend, Histogram merged, double achieved, double p50, double p90, double[] p99, double p999,
               double max, long errors, double cpuSeconds, double[] cpuPerRequest, double allocatedPerRequest,
               double loopAllocatedPerRequest, double peakRssMb, double threads) {

        static Row of(String backend, List<BenchCommand.Run> rs) {
            return new Row(backend, BenchCommand.merged(rs), median(rs, r -> r.result().achievedRate()), percentile(rs, 50),
                    percentile(rs, 90), rs.stream().mapToDouble(r -> r.result().latencyMicros().getValueAtPercentile(99) / 1000.0)
                    .toArray(), percentile(rs, 99.9), median(rs, r -> r.result().latencyMicros().getMaxValue() / 1000.0),
                    rs.stream().mapToLong(r -> r.result().errors().values().stream().mapToLong(Long::longValue).sum()).sum(),
                    median(rs, BenchCommand.Run::cpuSeconds), rs.stream().mapToDouble(BenchCommand.Run::cpuMicrosPerRequest).toArray(),
                    median(rs, BenchCommand.Run::allocatedPerRequest), median(rs, BenchCommand.Run::loopAllocatedPerRequest),
                    median(rs, r -> r.peakRssKb() / 1024.0), median(rs, BenchCommand.Run::threads));
        }

        String markdown() {
            return String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %s | %.3f | %.3f | %d | %.2f | %s | %s | %s | %.0f | %.0f |%n",
                    backend, achieved, p50, p90, withRange(p99, "%.3f"), p999, max, errors, cpuSeconds,
                    withRange(cpuPerRequest, "%.2f"), bytes(allocatedPerRequest, "%,.1f", NONE), bytes(loopAllocatedPerRequest, "%,.1f", NONE),
                    peakRssMb, threads);
        }

        String csv(String rate) {
            return String.format(Locale.ROOT, "%s,%s,%.0f,%.3f,%.3f,%.3f,%.3f,%.3f,%d,%.2f,%.2f,%s,%s,%.0f,%.0f%n", rate, backend,
                    achieved, p50, p90, BenchCommand.median(p99), p999, max, errors, cpuSeconds, BenchCommand.median(cpuPerRequest),
                    bytes(allocatedPerRequest, "%.1f", ""), bytes(loopAllocatedPerRequest, "%.1f", ""), peakRssMb, threads);
        }

        /** {@code none} where the figure does not apply: "—" in the table, an empty field in the CSV. */
        private static String bytes(double perRequest, String format, String none) {
            return Double.isNaN(perRequest) ? none : String.format(Locale.ROOT, format, perRequest);
        }
    }

    /**
     * Writes every file of the bench into {@code out}; returns the Markdown summary (what
     * summary.md holds) for the console.
     */
    static String write(Path out, Map<String, List<BenchCommand.Run>> runs, List<String> backends, List<String> rates,
                        String setup, int pipeline) throws IOException {
        StringBuilder md = new StringBuilder("# Bench\n\n").append(setup).append("\n\n")
                .append("Medians over the rounds; CPU µs/request and p99 with their range (min–max) when there are several.")
                .append(" alloc B/req: heap allocated by all the back-end's threads over the measured window, per response;")
                .append(" loop-thread B/req: by its loop or selector thread alone (").append(NONE)
                .append(": a thread per connection, no such thread).\n");
        StringBuilder csv = new StringBuilder(CSV_COLUMNS);
        StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset='utf-8'><title>rawloop bench"
                + "</title><style>body{font-family:sans-serif;max-width:780px;margin:2em auto}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style></head><body>\n<h1>rawloop bench</h1>\n<p>")
                .append(Charts.escape(setup)).append("</p>\n");
        for (String rate : rates) {
            boolean closedLoop = rate.equalsIgnoreCase("max");
            md.append("\n## ").append(closedLoop ? "closed loop (max)" : rate + " requests/s").append("\n\n")
                    .append(COLUMNS).append("|---".repeat(14)).append("|\n");
            List<Row> rows = new ArrayList<>();
            for (String backend : backends) {
                List<BenchCommand.Run> rs = runs.get(backend + "-" + rate);
                if (rs != null) {
                    Row row = Row.of(backend, rs);
                    Files.writeString(out.resolve(backend + "-" + rate + ".hgrm"), Report.hgrm(row.merged()));
                    md.append(row.markdown());
                    csv.append(row.csv(rate));
                    rows.add(row);
                }
            }
            String title = closedLoop ? "closed loop" + (pipeline > 1 ? ", pipelined " + pipeline + " deep" : "") : rate + " requests/s";
            html.append("<h2>").append(Charts.escape(title)).append("</h2>\n")
                    .append(Charts.latencyByPercentile("Latency by percentile, " + title,
                            rows.stream().map(r -> new Charts.Series(r.backend(), r.merged())).toList()));
            // What separates the back-ends. At a fixed rate every one achieves the rate (that is
            // what a fixed rate means), so throughput is charted only where each runs flat out.
            if (closedLoop) {
                html.append(bars(rows, "Throughput, " + title, Row::achieved, "%,.0f", "req/s"));
            }
            html.append(bars(rows, "CPU per request, " + title, r -> BenchCommand.median(r.cpuPerRequest()), "%.2f", "µs"))
                    .append(bars(rows, "Heap allocated per request (all threads), " + title, Row::allocatedPerRequest, "%,.0f", "B"));
            html.append(flameGraphs(out, runs, backends, rate));
        }
        html.append("<h2>Summary</h2>\n<pre>").append(Charts.escape(md.toString())).append("</pre>\n</body></html>\n");
        Files.writeString(out.resolve("summary.md"), md);
        Files.writeString(out.resolve("summary.csv"), csv);
        Files.writeString(out.resolve("report.html"), html);
        return md.toString();
    }

    private static String bars(List<Row> rows, String title, ToDoubleFunction<Row> value, String format, String unit) {
        return Charts.bars(title, rows.stream().map(Row::backend).toList(),
                rows.stream().map(r -> value.applyAsDouble(r)).toList(), format, unit);
    }

    /** Links to the flame graphs of this rate that bench --profile wrote, one per back-end and round. */
    private static String flameGraphs(Path out, Map<String, List<BenchCommand.Run>> runs, List<String> backends, String rate)
            throws IOException {
        StringBuilder links = new StringBuilder();
        for (String backend : backends) {
            if (!runs.containsKey(backend + "-" + rate)) {
                continue;
            }
            List<Path> graphs;
            try (var files = Files.list(out)) {
                String prefix = "flame-" + backend + "-" + rate;
                graphs = files.filter(p -> {
                    String name = p.getFileName().toString();
                    return name.equals(prefix + ".html") || name.startsWith(prefix + "-round");
                }).sorted().toList();
            }
            for (Path g : graphs) {
                String name = g.getFileName().toString();
                links.append(links.isEmpty() ? "" : " · ").append("<a href='").append(Charts.escape(name)).append("'>")
                        .append(Charts.escape(name.substring("flame-".length(), name.length() - ".html".length())))
                        .append("</a>");
            }
        }
        return links.isEmpty() ? "" : "<p>CPU flame graphs (async-profiler, the measured window): " + links + "</p>\n";
    }

    private static double median(List<BenchCommand.Run> rs, ToDoubleFunction<BenchCommand.Run> figure) {
        return BenchCommand.median(rs.stream().mapToDouble(figure).toArray());
    }

    private static double percentile(List<BenchCommand.Run> rs, double percentile) {
        return median(rs, r -> r.result().latencyMicros().getValueAtPercentile(percentile) / 1000.0);
    }

    private static String withRange(double[] values, String format) {
        String median = String.format(Locale.ROOT, format, BenchCommand.median(values));
        if (values.length < 2) {
            return median;
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return median + " (" + String.format(Locale.ROOT, format, min) + "–" + String.format(Locale.ROOT, format, max) + ")";
    }
}
