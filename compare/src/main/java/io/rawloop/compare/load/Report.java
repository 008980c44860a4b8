package io.rawloop.compare.load;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A load run's figures as text: HdrHistogram's .hgrm percentile distribution, and one summary line. */
public final class Report {

    private Report() {
    }

    /** The .hgrm text (values in milliseconds), as HdrHistogram's plotter reads it. */
    public static String hgrm(Histogram h) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            h.outputPercentileDistribution(out, 5, 1000.0);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** {@code 49,998 req/s (target 50,000); latency ms p50 0.21 p90 ... max 3.1; errors none}. */
    public static String summary(LoadGenerator.Result r, double targetRate) {
        return summary(r, targetRate, "req/s");
    }

    /** The same, per {@code unit} ({@code messages/s} for a WebSocket load). */
    public static String summary(LoadGenerator.Result r, double targetRate, String unit) {
        Histogram h = r.latencyMicros();
        StringBuilder errors = new StringBuilder();
        for (Map.Entry<String, Long> e : r.errors().entrySet()) {
            errors.append(errors.isEmpty() ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue());
        }
        return String.format(Locale.ROOT, "%,.0f " + unit + " (%s); latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f;"
                        + " errors %s", r.achievedRate(), targetRate > 0 ? String.format(Locale.ROOT, "target %,.0f", targetRate)
                        : "closed loop", ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0,
                errors.isEmpty() ? "none" : errors);
    }

    static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }
}
