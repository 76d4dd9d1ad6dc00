package io.vlstream.cli;

import java.time.Duration;

/** Durations as people read them: {@code 750 ms}, {@code 30 s}, {@code 2.5 min}. */
final class Durations {

    private Durations() {}

    static String show(Duration d) {
        long ms = d.toMillis();
        if (ms < 1_000) {
            return ms + " ms";
        }
        if (ms < 120_000) {
            return trim(ms / 1000.0) + " s";
        }
        return trim(ms / 60_000.0) + " min";
    }

    private static String trim(double value) {
        String s = String.format(java.util.Locale.ROOT, "%.1f", value);
        return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
    }
}
