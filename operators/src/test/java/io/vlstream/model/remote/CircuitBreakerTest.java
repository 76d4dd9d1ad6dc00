package io.vlstream.model.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.model.remote.CircuitBreaker.State;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The breaker's states on a hand-driven clock. */
class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void opensOnlyAfterThresholdConsecutiveFailures() {
        breaker.onFailure();
        breaker.onFailure();
        breaker.onSuccess();
        breaker.onFailure();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onFailure();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void letsExactlyOneProbeThroughAfterTheCoolDown() {
        open();
        advance(Duration.ofSeconds(9));
        assertThat(breaker.tryAcquire()).isFalse();

        advance(Duration.ofSeconds(1));

        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void aSuccessfulProbeClosesAFailedOneReopensForAFullCoolDown() {
        open();
        advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onFailure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.untilProbe()).isEqualTo(Duration.ofSeconds(10));

        advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void anAbandonedProbeLetsTheNextOneThrough() {
        open();
        advance(Duration.ofSeconds(10));
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onAbandoned();

        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void lateFailuresWhileOpenDoNotExtendTheCoolDown() {
        open();
        advance(Duration.ofSeconds(6));
        breaker.onFailure();
        advance(Duration.ofSeconds(4));
        assertThat(breaker.tryAcquire()).isTrue();
    }

    private void open() {
        for (int i = 0; i < 3; i++) {
            breaker.onFailure();
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}
