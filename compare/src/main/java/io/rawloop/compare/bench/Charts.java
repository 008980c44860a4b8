package io.rawloop.compare.bench;

import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Inline SVG, drawn by hand (no JavaScript, no network: the report opens offline). Latency by
 * percentile the way HdrHistogram's plotter draws it: the x axis is log-scaled in 1/(1-p), so
 * 90%, 99%, 99.9% and 99.99% are equally far apart and the tail gets the room it deserves.
 */
final class Charts {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};
    private static final int W = 720;
    private static final int H = 360;
    private static final int LEFT = 60;
    private static final int BOTTOM = 40;
    private static final double DECADES = 5;   // up to 99.999%

    private Charts() {
    }

    /** One line of the latency chart. */
    record Series(String name, Histogram histogram) {
    }

    static String latencyByPercentile(String title, List<Series> series) {
        double maxMs = 0.001;
        for (Series s : series) {
            maxMs = Math.max(maxMs, s.histogram().getValueAtPercentile(99.999) / 1000.0);
        }
        StringBuilder svg = header(title);
        for (int d = 0; d <= DECADES; d++) {
            double x = LEFT + (W - LEFT - 20) * d / DECADES;
            String label = d == 0 ? "0%" : (100 - 100 / Math.pow(10, d)) + "%";
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='30' x2='%.1f' y2='%d' stroke='#ddd'/>"
                    + "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>%n", x, x, H - BOTTOM, x,
                    H - BOTTOM + 16, label.replace(".0%", "%")));
        }
        for (int i = 0; i <= 4; i++) {
            double y = H - BOTTOM - (H - BOTTOM - 30) * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#eee'/>"
                    + "<text x='%d' y='%.1f' font-size='11' text-anchor='end'>%.2f</text>%n", LEFT, y, W - 20, y,
                    LEFT - 6, y + 4, maxMs * i / 4));
        }
        svg.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='11' transform='rotate(-90 14 %d)'>"
                + "latency (ms)</text><text x='%d' y='%d' font-size='11' text-anchor='middle'>percentile</text>%n",
                H / 2, H / 2, (W + LEFT) / 2, H - 6));
        int i = 0;
        for (Series s : series) {
            String color = COLORS[i % COLORS.length];
            StringBuilder points = new StringBuilder();
            for (HistogramIterationValue v : s.histogram().percentiles(5)) {
                double p = v.getPercentileLevelIteratedTo() / 100.0;
                double decades = p >= 1 ? DECADES : Math.min(DECADES, Math.log10(1 / (1 - p)));
                double x = LEFT + (W - LEFT - 20) * decades / DECADES;
                double y = H - BOTTOM - (H - BOTTOM - 30) * Math.min(1, v.getValueIteratedTo() / 1000.0 / maxMs);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            svg.append(String.format(Locale.ROOT, "<polyline fill='none' stroke='%s' stroke-width='2' points='%s'/>%n"
                    + "<text x='%d' y='%d' font-size='12' fill='%s'>%s</text>%n", color, points, LEFT + 10, 46 + 15 * i,
                    color, escape(s.name())));
            i++;
        }
        return svg.append("</svg>\n").toString();
    }

    /** Bars: {@code values[i]} for {@code names[i]}, labelled in {@code format} with {@code unit}. */
    static String bars(String title, List<String> names, List<Double> values, String format, String unit) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        StringBuilder svg = header(title);
        int n = names.size();
        double slot = (W - LEFT - 20) / (double) Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double h = (H - BOTTOM - 40) * values.get(i) / Math.max(max, 1e-9);
            double x = LEFT + slot * i + slot * 0.15;
            svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>"
                            + "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%s %s</text>"
                            + "<text x='%.1f' y='%d' font-size='11' text-anchor='middle'>%s</text>%n",
                    x, H - BOTTOM - h, slot * 0.7, h, COLORS[i % COLORS.length], x + slot * 0.35, H - BOTTOM - h - 4,
                    String.format(Locale.ROOT, format, values.get(i)), unit, x + slot * 0.35, H - BOTTOM + 16, escape(names.get(i))));
        }
        return svg.append("</svg>\n").toString();
    }

    private static StringBuilder header(String title) {
        return new StringBuilder(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'"
                + " viewBox='0 0 %d %d' font-family='sans-serif'>%n<text x='%d' y='18' font-size='14'>%s</text>%n",
                W, H, W, H, LEFT, escape(title)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
