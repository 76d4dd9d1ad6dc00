package io.vlstream.model.remote;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.flink.util.TimeUtils;

/**
 * Durations as written in endpoint URIs: {@code 500ms}, {@code 30s}, {@code 2min}, {@code 1h}, read
 * by Flink's own {@link TimeUtils} (the same units as every Flink duration setting), or ISO-8601.
 */
final class Durations {

    private Durations() {}

    /** Parses {@code 500ms}, {@code 30s}, {@code 2m}/{@code 2min}, {@code 1h} or ISO-8601 PT30S. */
    static Duration parse(String option, String text) {
        String value = text.trim();
        boolean iso = value.startsWith("P") || value.startsWith("p");
        // TimeUtils reads a bare number as milliseconds; an endpoint option wants its unit.
        boolean unit = !value.isEmpty() && !Character.isDigit(value.charAt(value.length() - 1));
        try {
            if (iso) {
                return Duration.parse(value);
            }
            if (unit) {
                return TimeUtils.parseDuration(value);
            }
        } catch (DateTimeParseException | IllegalArgumentException e) {
            // The message below says what is expected.
        }
        throw new IllegalArgumentException(
                option
                        + "='"
                        + text
                        + "' is not a duration; write it with a unit, e.g. 500ms, 30s, 2min, 1h");
    }

    /** The shortest form {@link #parse} reads back. */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "min";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }
}
