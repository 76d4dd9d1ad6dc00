package io.vlstream.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When a micro-batch in front of the model is flushed. */
class MicroBatchTest {

    @Test
    void isFullAtMaxSizeAndDrainsInArrivalOrder() {
        MicroBatch<String> batch = new MicroBatch<>(3, Duration.ofMillis(20));

        assertThat(batch.add("a", 0)).isFalse();
        assertThat(batch.add("b", 1)).isFalse();
        assertThat(batch.add("c", 2)).isTrue();

        assertThat(batch.drain()).containsExactly("a", "b", "c");
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void isDueWhenTheOldestRecordHasWaitedMaxWait() {
        MicroBatch<String> batch = new MicroBatch<>(8, Duration.ofMillis(20));
        assertThat(batch.isDue(1_000)).isFalse();

        batch.add("a", 100);
        batch.add("b", 115);

        assertThat(batch.deadline()).isEqualTo(120);
        assertThat(batch.isDue(119)).isFalse();
        assertThat(batch.isDue(120)).isTrue();
    }

    @Test
    void theNextBatchGetsItsOwnDeadline() {
        MicroBatch<String> batch = new MicroBatch<>(8, Duration.ofMillis(20));
        batch.add("a", 100);
        batch.drain();

        batch.add("b", 500);

        assertThat(batch.isDue(120)).isFalse();
        assertThat(batch.deadline()).isEqualTo(520);
    }

    @Test
    void sizeOneFlushesEveryRecord() {
        MicroBatch<String> batch = new MicroBatch<>(1, Duration.ofMillis(20));
        assertThat(batch.add("a", 0)).isTrue();
    }

    @Test
    void rejectsAnEmptyBatchSize() {
        assertThatThrownBy(() -> new MicroBatch<>(0, Duration.ofMillis(20)))
                .hasMessageContaining("max batch size must be >= 1");
    }
}
