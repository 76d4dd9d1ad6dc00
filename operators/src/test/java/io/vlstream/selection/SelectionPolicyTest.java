package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Policy defaults and validation messages. */
class SelectionPolicyTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        SelectionPolicy p = SelectionPolicy.defaults();
        assertThat(p.exitRatio()).isEqualTo(0.8);
        assertThat(p.maxGapMicros()).isEqualTo(1_000_000L);
        assertThat(p.minDurationMicros()).isZero();
        assertThat(p.minFrames()).isEqualTo(1);
        assertThat(p.minEvidenceSpacingMicros()).isEqualTo(500_000L);
        assertThat(p.nearDuplicateIou()).isEqualTo(0.9);
        assertThat(p.exitLevel(0.5f)).isEqualTo(0.4, org.assertj.core.api.Assertions.within(1e-9));
    }

    @Test
    void outOfRangeValuesAreRejectedWithTheSettingsName() {
        assertThatThrownBy(() -> SelectionPolicy.builder().withExitRatio(1.2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exitRatio");
        assertThatThrownBy(() -> SelectionPolicy.builder().withExitRatio(0).build())
                .hasMessageContaining("exitRatio");
        assertThatThrownBy(() -> SelectionPolicy.builder().withMaxGapMicros(-1).build())
                .hasMessageContaining("maxGapMicros");
        assertThatThrownBy(() -> SelectionPolicy.builder().withMinDurationMicros(-1).build())
                .hasMessageContaining("minDurationMicros");
        assertThatThrownBy(() -> SelectionPolicy.builder().withMinFrames(0).build())
                .hasMessageContaining("minFrames");
        assertThatThrownBy(() -> SelectionPolicy.builder().withMinEvidenceSpacingMicros(-1).build())
                .hasMessageContaining("minEvidenceSpacingMicros");
        assertThatThrownBy(() -> SelectionPolicy.builder().withNearDuplicateIou(Double.NaN).build())
                .hasMessageContaining("nearDuplicateIou");
    }
}
