package io.vlstream.instruction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.ReasonCode;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listed ids, a glob, or every stream; globs past the limits are refused before compiling. */
class StreamSelectorTest {

    @Test
    void idsGlobOrEverything() {
        assertThat(StreamSelector.of(List.of(), null).selects("any\u0000thing")).isTrue();
        StreamSelector both = StreamSelector.of(List.of("hall"), "cam-*");
        assertThat(both.selects("hall")).isTrue();
        assertThat(both.selects("cam-7")).isTrue();
        assertThat(both.selects("lobby")).isFalse();
        assertThat(StreamSelector.none().selects("hall")).isFalse();
        assertThatThrownBy(() -> StreamSelector.of(List.of(), "cam-["))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aThousandListedIdsAreOneLookup() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add("cam-" + i);
        }
        StreamSelector selector = StreamSelector.of(ids, null);
        assertThat(selector.selects("cam-999")).isTrue();
        assertThat(selector.selects("cam-1000")).isFalse();
    }

    @Test
    void globsPastTheLimitsAreRefusedWithTheirReason() {
        InputLimits limits = InputLimits.defaults();
        assertThat(StreamSelector.checkGlob("cam-*", limits)).isNull();
        assertThat(StreamSelector.checkGlob("*a".repeat(8), limits)).isNull();
        assertThat(reason(StreamSelector.checkGlob("*a".repeat(14) + "*b", limits)))
                .isEqualTo(ReasonCode.GLOB_TOO_COMPLEX);
        assertThat(reason(StreamSelector.checkGlob("c".repeat(257), limits)))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(reason(StreamSelector.checkGlob("{a,{b}}", limits)))
                .isEqualTo(ReasonCode.INVALID_INSTRUCTION);
    }

    @Test
    void theActiveLimitRefusesNewIdsOnly() {
        ActiveInstructions active = new ActiveInstructions(2, List.of("a"));
        assertThat(active.admit("b")).isNull();
        active.activate("b");
        assertThat(reason(active.admit("c"))).isEqualTo(ReasonCode.TOO_MANY_INSTRUCTIONS);
        assertThat(active.admit("a")).isNull();
        active.retire("a");
        assertThat(active.admit("c")).isNull();
        assertThat(active.ids()).containsExactly("b");
    }

    private static ReasonCode reason(Violation v) {
        return v == null ? null : v.reason();
    }
}
