package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backoff steps, jitter bounds and Retry-After parsing. */
class BackoffTest {

    @Test
    void doublesEachRetryUpToTheCapWithJitterBetweenHalfAndAll() {
        Backoff most = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 1.0);
        Backoff least = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(3), () -> 0.0);

        assertThat(most.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(most.delay(2)).isEqualTo(Duration.ofMillis(1000));
        assertThat(most.delay(3)).isEqualTo(Duration.ofMillis(2000));
        assertThat(most.delay(4)).isEqualTo(Duration.ofMillis(3000));
        assertThat(most.delay(60)).isEqualTo(Duration.ofMillis(3000));
        assertThat(least.delay(1)).isEqualTo(Duration.ofMillis(250));
        assertThat(least.delay(60)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        ZonedDateTime now = ZonedDateTime.of(2025, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC);

        assertThat(Backoff.retryAfter(Optional.of("7"), now)).contains(Duration.ofSeconds(7));
        assertThat(Backoff.retryAfter(Optional.of("Thu, 02 Jan 2025 03:04:35 GMT"), now))
                .contains(Duration.ofSeconds(30));
        assertThat(Backoff.retryAfter(Optional.of("Thu, 02 Jan 2025 03:00:00 GMT"), now))
                .contains(Duration.ZERO);
        assertThat(Backoff.retryAfter(Optional.of("soon"), now)).isEmpty();
        assertThat(Backoff.retryAfter(Optional.empty(), now)).isEmpty();
    }
}
