package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameBudgetTest {

    private static final long SECOND = 1_000_000L;

    @Test
    void slidingMinuteFreesFramesSentMoreThanAMinuteAgo() {
        long[] state = FrameBudget.charge(null, 0, 3, 5);
        state = FrameBudget.charge(state, 30 * SECOND, 2, 5);

        assertThat(FrameBudget.available(state, 59 * SECOND, 5)).isZero();
        // The three frames of t=0 leave the window at t=60 s.
        assertThat(FrameBudget.available(state, 60 * SECOND, 5)).isEqualTo(3);
        assertThat(FrameBudget.available(state, 90 * SECOND, 5)).isEqualTo(5);
        assertThat(FrameBudget.prune(state, 90 * SECOND)).isEmpty();
    }

    @Test
    void chargingBeyondTheBudgetIsRefused() {
        long[] state = FrameBudget.charge(null, 0, 4, 4);
        assertThatThrownBy(() -> FrameBudget.charge(state, SECOND, 1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceeds the budget of 4");
    }

    @Test
    void zeroMeansNoLimitAndKeepsNoState() {
        assertThat(FrameBudget.available(null, 0, 0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(FrameBudget.charge(null, 0, 100, 0)).isEmpty();
    }

    @Test
    void randomGreedySendersNeverExceedTheBudgetInAnyMinute() {
        Random random = new Random(42);
        int perMinute = 7;
        long[] state = null;
        List<Long> sentAt = new ArrayList<>();
        long now = 0;
        for (int i = 0; i < 5_000; i++) {
            now += random.nextInt(3 * (int) SECOND);
            int want = random.nextInt(5);
            int room = FrameBudget.available(state, now, perMinute);
            int send = Math.min(want, room);
            state = FrameBudget.charge(state, now, send, perMinute);
            for (int k = 0; k < send; k++) {
                sentAt.add(now);
            }
            assertThat(state.length).isLessThanOrEqualTo(perMinute);
        }
        // Check every window that ends at a send.
        for (int i = 0; i < sentAt.size(); i++) {
            long end = sentAt.get(i);
            long inWindow =
                    sentAt.stream()
                            .filter(t -> t > end - FrameBudget.WINDOW_MICROS && t <= end)
                            .count();
            assertThat(inWindow).isLessThanOrEqualTo(perMinute);
        }
        // About 125 minutes at 7 a minute: the budget is used, not just respected.
        assertThat(sentAt).hasSizeGreaterThan(700);
    }
}
