package io.vlstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** vlstream's topic names: defaults, prefixes, and the checks on names. */
class VlstreamTopicsTest {

    @Test
    void defaultNamesAndNameChecks() {
        assertThat(VlstreamTopics.defaults().all())
                .containsExactly(
                        "vlstream.frames",
                        "vlstream.instructions",
                        "vlstream.texts",
                        "vlstream.captions",
                        "vlstream.scores",
                        "vlstream.dlq");
        assertThatThrownBy(() -> new VlstreamTopics("a", "b", "c", "d", "a", "f"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("frames and scores topics are both named 'a'");
        assertThatThrownBy(() -> VlstreamTopics.withPrefix("no spaces "))
                .hasMessageContaining("not a valid Kafka topic name");
        assertThatThrownBy(() -> VlstreamTopics.defaults().newTopics(0))
                .hasMessageContaining("at least 1");
        assertThat(VlstreamTopics.isCompacted("compact,delete")).isTrue();
        assertThat(VlstreamTopics.isCompacted("delete")).isFalse();
    }
}
