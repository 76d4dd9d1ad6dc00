package io.vlstream.model.remote;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Waits between attempts: exponential from {@code backoff}, capped at {@code max-backoff}, with
 * jitter (a random 50-100% of the step) so that many subtasks do not retry in lock-step; a server's
 * {@code Retry-After} is honoured when it is longer.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The wait before retry number {@code retry} (1 for the first retry). */
    Duration delay(int retry) {
        long initialMs = initial.toMillis();
        long capMs = max.toMillis();
        int shift = Math.min(retry - 1, 30);
        long stepMs = initialMs > (capMs >> shift) ? capMs : Math.min(capMs, initialMs << shift);
        double fraction = 0.5 + 0.5 * random.getAsDouble();
        return Duration.ofMillis(Math.round(stepMs * fraction));
    }

    /** {@code Retry-After} as delta-seconds or an HTTP date; empty when absent or unreadable. */
    static Optional<Duration> retryAfter(Optional<String> header, ZonedDateTime now) {
        if (header.isEmpty() || header.get().isBlank()) {
            return Optional.empty();
        }
        String value = header.get().trim();
        try {
            long seconds = Long.parseLong(value);
            return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
        } catch (NumberFormatException e) {
            // an HTTP date, perhaps
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration d = Duration.between(now, at);
            return Optional.of(d.isNegative() ? Duration.ZERO : d);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
