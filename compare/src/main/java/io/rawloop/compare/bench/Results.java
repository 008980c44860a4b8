package io.rawloop.compare.bench;

import io.rawloop.compare.load.Report;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Writes a bench's files: the .hgrm distributions, summary.md, report.html. */
final class Results {

    private Results() {
    }

    static void write(Path out, Map<String, List<BenchCommand.Run>> runs, List<String> backends, List<String> rates,
                      String setup) throws IOException {
        StringBuilder md = new StringBuilder("# Bench\n\n").append(setup).append("\n\n")
                .append("Medians over the rounds; CPU µs/request and p99 with their range (min–max) when there are several.\n");
        StringBuilder html = new StringBuilder("<!doctype html>\n<html><head><meta charset='utf-8'><title>rawloop bench"
                + "</title><style>body{font-family:sans-serif;max-width:780px;margin:2em auto}table{border-collapse:collapse}"
                + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}</style></head><body>\n<h1>rawloop bench</h1>\n<p>")
                .append(Charts.escape(setup)).append("</p>\n");
        for (String rate : rates) {
            md.append("\n## ").append(rate.equalsIgnoreCase("max") ? "closed loop (max)" : rate + " requests/s").append("\n\n")
                    .append("| back-end | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors | CPU s |"
                            + " CPU µs/req | peak RSS MB | max threads |\n")
                    .append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
            List<Charts.Series> series = new ArrayList<>();
            List<String> names = new ArrayList<>();
            List<Double> achieved = new ArrayList<>();
            for (String backend : backends) {
                List<BenchCommand.Run> rs = runs.get(backend + "-" + rate);
                if (rs == null) {
                    continue;
                }
                Histogram merged = BenchCommand.merged(rs);
                Files.writeString(out.resolve(backend + "-" + rate + ".hgrm"), Report.hgrm(merged));
                double rateMedian = BenchCommand.median(rs.stream().mapToDouble(r -> r.result().achievedRate()).toArray());
                double[] cpuPerReq = rs.stream().mapToDouble(BenchCommand.Run::cpuMicrosPerRequest).toArray();
                double[] p99 = rs.stream().mapToDouble(r -> r.result().latencyMicros().getValueAtPercentile(99) / 1000.0).toArray();
                long errors = rs.stream().mapToLong(r -> r.result().errors().values().stream().mapToLong(Long::longValue).sum()).sum();
                md.append(String.format(Locale.ROOT, "| %s | %,.0f | %.3f | %.3f | %s | %.3f | %.3f | %d | %.2f | %s | %.0f | %.0f |%n",
                        backend, rateMedian, median(rs, 50), median(rs, 90), withRange(p99, "%.3f"), median(rs, 99.9),
                        BenchCommand.median(rs.stream().mapToDouble(r -> r.result().latencyMicros().getMaxValue() / 1000.0).toArray()),
                        errors, BenchCommand.median(rs.stream().mapToDouble(BenchCommand.Run::cpuSeconds).toArray()),
                        withRange(cpuPerReq, "%.2f"),
                        BenchCommand.median(rs.stream().mapToDouble(r -> r.peakRssKb() / 1024.0).toArray()),
                        BenchCommand.median(rs.stream().mapToDouble(BenchCommand.Run::threads).toArray())));
                series.add(new Charts.Series(backend, merged));
                names.add(backend);
                achieved.add(rateMedian);
            }
            String title = rate.equalsIgnoreCase("max") ? "closed loop" : rate + " requests/s";
            html.append("<h2>").append(Charts.escape(title)).append("</h2>\n")
                    .append(Charts.latencyByPercentile("Latency by percentile, " + title, series))
                    .append(Charts.bars("Achieved throughput, " + title, names, achieved, "req/s"));
        }
        html.append("<h2>Summary</h2>\n<pre>").append(Charts.escape(md.toString())).append("</pre>\n</body></html>\n");
        Files.writeString(out.resolve("summary.md"), md);
        Files.writeString(out.resolve("report.html"), html);
    }

    private static double median(List<BenchCommand.Run> rs, double percentile) {
        return BenchCommand.median(rs.stream().mapToDouble(r -> r.result().latencyMicros().getValueAtPercentile(percentile) / 1000.0)
                .toArray());
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
