package io.vlstream.cli;

import io.vlstream.internal.WallClock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The {@code --origin} of timed-text files: the pts of a file's 00:00:00. */
final class Origins {

    private Origins() {}

    /** {@code now}, an ISO-8601 instant ({@code 2026-12-08T09:00:00Z}) or epoch microseconds. */
    static long micros(String origin) {
        String value = origin.strip();
        if (value.equalsIgnoreCase("now")) {
            return WallClock.nowMicros();
        }
        if (!value.isEmpty()
                && value.length() <= 18
                && value.chars().allMatch(Character::isDigit)) {
            return Long.parseLong(value);
        }
        try {
            Instant instant = Instant.parse(value);
            return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
        } catch (DateTimeParseException e) {
            throw new UserError(
                    "--origin '"
                            + value
                            + "' is not 'now', an ISO-8601 instant (2026-12-08T09:00:00Z) or epoch"
                            + " microseconds");
        }
    }
}
