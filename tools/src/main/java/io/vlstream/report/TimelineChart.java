package io.vlstream.report;

import static io.vlstream.report.Html.esc;
import static io.vlstream.report.Html.fmt;
import static io.vlstream.report.Html.num;

import io.vlstream.output.StreamClock;
import java.util.List;

/**
 * Inline SVG line chart of a stream's frame scores per instruction over time (seconds from the
 * stream's first frame), with moments as shaded spans, the score threshold as a dashed line, and
 * timed texts as a strip along the bottom, coloured by verdict.
 */
final class TimelineChart {

    static final int WIDTH = 1000;
    static final int HEIGHT = 260;
    private static final int LEFT = 46;
    private static final int RIGHT = 14;
    private static final int TOP = 22;
    private static final int BOTTOM = 34;
    private static final double[] TICK_STEPS = {
        0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600
    };

    /** One instruction's score series: points in (seconds, score), in time order. */
    record Series(String label, String colour, List<double[]> points) {}

    /** A moment's span, in seconds. */
    record Span(String label, String colour, double start, double end) {}

    /** A timed text's span, in seconds, with its verdict's CSS class and colour. */
    record TextBand(String label, String verdictClass, String colour, double start, double end) {}

    private TimelineChart() {}

    static String render(
            StreamClock clock,
            List<Series> series,
            List<Span> moments,
            List<TextBand> texts,
            double threshold) {
        double duration = Math.max(clock.durationSeconds(), 0.1);
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(
                fmt(
                        "<svg class=\"timeline\" viewBox=\"0 0 %d %d\" role=\"img\""
                                + " aria-label=\"Frame scores over time\">",
                        WIDTH, HEIGHT));
        // Moments first, so lines are drawn over them.
        for (Span m : moments) {
            double x1 = LEFT + m.start() / duration * plotW;
            double x2 = LEFT + m.end() / duration * plotW;
            double w = Math.max(x2 - x1, 2);
            svg.append(
                    fmt(
                            "<rect class=\"moment-span\" x=\"%s\" y=\"%d\" width=\"%s\""
                                    + " height=\"%s\" fill=\"%s\" fill-opacity=\"0.14\"/>",
                            num(x1), TOP, num(w), num(plotH), m.colour()));
            svg.append(
                    fmt(
                            "<rect x=\"%s\" y=\"%d\" width=\"%s\" height=\"4\" fill=\"%s\"/>",
                            num(x1), TOP - 4, num(w), m.colour()));
            svg.append(
                    fmt(
                            "<text class=\"moment-label\" x=\"%s\" y=\"%d\" text-anchor=\"middle\""
                                    + " fill=\"%s\">%s</text>",
                            num(x1 + w / 2), TOP - 8, m.colour(), esc(m.label())));
        }
        // Timed texts along the bottom of the plot, each with its text and verdict on hover.
        for (TextBand t : texts) {
            double x1 = LEFT + t.start() / duration * plotW;
            double w = Math.max((t.end() - t.start()) / duration * plotW, 2);
            svg.append(
                    fmt(
                            "<rect class=\"text-span %s\" x=\"%s\" y=\"%s\" width=\"%s\""
                                    + " height=\"7\" fill=\"%s\"><title>%s</title></rect>",
                            t.verdictClass(),
                            num(x1),
                            num(TOP + plotH - 8),
                            num(w),
                            t.colour(),
                            esc(t.label())));
        }
        // Grid and axes.
        for (int i = 0; i <= 4; i++) {
            double v = i / 4.0;
            double y = TOP + (1 - v) * plotH;
            svg.append(
                    fmt(
                            "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" class=\"grid\"/>",
                            LEFT, num(y), WIDTH - RIGHT, num(y)));
            svg.append(
                    fmt(
                            "<text class=\"tick\" x=\"%d\" y=\"%s\" text-anchor=\"end\">%.2f</text>",
                            LEFT - 6, num(y + 4), v));
        }
        double step = tickStep(duration);
        for (double t = 0; t <= duration + 1e-9; t += step) {
            double x = LEFT + t / duration * plotW;
            svg.append(
                    fmt(
                            "<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" class=\"axis\"/>",
                            num(x), num(TOP + plotH), num(x), num(TOP + plotH + 4)));
            svg.append(
                    fmt(
                            "<text class=\"tick\" x=\"%s\" y=\"%s\" text-anchor=\"middle\">%s</text>",
                            num(x),
                            num(TOP + plotH + 17),
                            step < 1 ? fmt("%.1f", t) : fmt("%.0f", t)));
        }
        svg.append(
                fmt(
                        "<line x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\" class=\"axis\"/>",
                        LEFT, num(TOP + plotH), WIDTH - RIGHT, num(TOP + plotH)));
        svg.append(
                fmt(
                        "<text class=\"axis-title\" x=\"%s\" y=\"%d\" text-anchor=\"middle\">"
                                + "seconds from the stream's first frame</text>",
                        num(LEFT + plotW / 2), HEIGHT - 2));
        // Threshold.
        double ty = TOP + (1 - clamp(threshold)) * plotH;
        svg.append(
                fmt(
                        "<line class=\"threshold\" x1=\"%d\" y1=\"%s\" x2=\"%d\" y2=\"%s\"/>",
                        LEFT, num(ty), WIDTH - RIGHT, num(ty)));
        svg.append(
                fmt(
                        "<text class=\"threshold-label\" x=\"%d\" y=\"%s\">threshold %.2f</text>",
                        LEFT + 6, num(ty - 5), threshold));
        // Score lines; a gap of more than three usual intervals (and three frames) breaks the
        // line, so frames that were never scored are not drawn as if they had been.
        for (Series s : series) {
            double gap = Math.max(3.0 / Math.max(clock.fps(), 0.001), 3 * medianStep(s)) + 1e-6;
            StringBuilder d = new StringBuilder();
            double previous = Double.NaN;
            for (double[] p : s.points()) {
                double x = LEFT + p[0] / duration * plotW;
                double y = TOP + (1 - clamp(p[1])) * plotH;
                d.append(Double.isNaN(previous) || p[0] - previous > gap ? 'M' : 'L')
                        .append(num(x))
                        .append(',')
                        .append(num(y));
                previous = p[0];
            }
            svg.append(
                    fmt(
                            "<path class=\"score-line\" d=\"%s\" stroke=\"%s\"><title>%s</title>"
                                    + "</path>",
                            d, s.colour(), esc(s.label())));
            if (s.points().size() == 1) {
                double[] p = s.points().get(0);
                svg.append(
                        fmt(
                                "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>",
                                num(LEFT + p[0] / duration * plotW),
                                num(TOP + (1 - clamp(p[1])) * plotH),
                                s.colour()));
            }
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static double medianStep(Series s) {
        List<double[]> points = s.points();
        if (points.size() < 2) {
            return 0;
        }
        double[] steps = new double[points.size() - 1];
        for (int i = 1; i < points.size(); i++) {
            steps[i - 1] = points.get(i)[0] - points.get(i - 1)[0];
        }
        java.util.Arrays.sort(steps);
        return steps[steps.length / 2];
    }

    static double tickStep(double duration) {
        for (double step : TICK_STEPS) {
            if (duration / step <= 12) {
                return step;
            }
        }
        return TICK_STEPS[TICK_STEPS.length - 1];
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
