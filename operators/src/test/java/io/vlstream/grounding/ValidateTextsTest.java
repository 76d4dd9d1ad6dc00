package io.vlstream.grounding;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.TimedText;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Timed texts past the limits are refused with their reason before they reach state. */
class ValidateTextsTest {

    private static final long T = 1_800_000_000_000_000L;

    @Test
    void spansIdsAndTextsAreBounded() {
        assertThat(reason(text("cam", "t1", T, T + 5_000_000, "a person"))).isNull();
        assertThat(reason(text("cam", "t1", T, T + Duration.ofDays(36_525).toNanos() / 1_000, "x")))
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        assertThat(reason(text("cam", "t1", -5, T, "x")))
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        assertThat(reason(text("cam", "t1", T, T - 1, "x"))).isEqualTo(ReasonCode.INVALID_TEXT);
        assertThat(reason(text("cam", "t\u0007", T, T, "x"))).isEqualTo(ReasonCode.INVALID_ID);
        assertThat(reason(text("c".repeat(300), "t", T, T, "x")))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(reason(text("cam", "t", T, T, "w".repeat(5000))))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(reason(text("cam", "t", T, T, " "))).isEqualTo(ReasonCode.INVALID_TEXT);
        // A text far in the future would wait in state until its span comes.
        long year3000 = 32_503_680_000_000_000L;
        assertThat(reason(text("cam", "t", year3000, year3000 + 1, "x")))
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        assertThat(reason(text("cam", "t", T + 60_000_000, T + 61_000_000, "x"))).isNull();
    }

    private static ReasonCode reason(TimedText text) {
        Violation v = ValidateTexts.problem(text, InputLimits.defaults(), T);
        return v == null ? null : v.reason();
    }

    private static TimedText text(String stream, String id, long start, long end, String words) {
        return TimedText.newBuilder()
                .setStreamId(stream)
                .setTextId(id)
                .setStartMicros(start)
                .setEndMicros(end)
                .setText(words)
                .build();
    }
}
