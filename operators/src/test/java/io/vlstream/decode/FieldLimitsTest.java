package io.vlstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.deadletter.Failures;
import io.vlstream.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Producer fields past their limits are refused where the frame is read, each with its reason. */
class FieldLimitsTest {

    private static final long NOW = 1_800_000_000_000_000L;

    private final FrameValidator validator =
            new FrameValidator(DecodeLimits.defaults(), InputLimits.defaults(), () -> NOW);

    @Test
    void idsTakePrintableCharactersOnly() {
        assertThat(FieldChecks.id("streamId", "lobby-1 (north)", 256)).isNull();
        assertThat(FieldChecks.id("streamId", "café-カメラ-😀", 256)).isNull();
        for (String bad :
                new String[] {
                    "cam\u0000", "cam\u202E1", "cam\u200B", "cam\n", "a\uD800b", "\uFFFD"
                }) {
            assertThat(FieldChecks.id("streamId", bad, 256))
                    .as("%s", FieldChecks.preview(bad))
                    .extracting(Violation::reason)
                    .isEqualTo(ReasonCode.INVALID_ID);
        }
        assertThat(FieldChecks.id("streamId", " ", 256).reason()).isEqualTo(ReasonCode.INVALID_ID);
        Violation tooLong = FieldChecks.id("streamId", "x".repeat(257), 256);
        assertThat(tooLong.reason()).isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(tooLong.message()).contains("257").contains("256").hasSizeLessThan(200);
    }

    @Test
    void aPreviewIsShortAndShowsWhatCannotBePrinted() {
        assertThat(FieldChecks.preview("a\u0000b")).isEqualTo("a\\u0000b");
        assertThat(FieldChecks.preview("y".repeat(300_000))).hasSize(FieldChecks.PREVIEW_CHARS);
    }

    @Test
    void ptsMustBeWithinTheWindowAroundTheClock() {
        VideoFrame frame = Samples.jpegFrame(Samples.jpeg());
        assertThat(reason(withPts(frame, NOW))).isNull();
        assertThat(reason(withPts(frame, NOW + Duration.ofMinutes(4).toNanos() / 1_000))).isNull();
        assertThat(reason(withPts(frame, NOW + Duration.ofMinutes(6).toNanos() / 1_000)))
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        assertThat(reason(withPts(frame, Long.MAX_VALUE)))
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        assertThat(reason(withPts(frame, -1))).isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
        // No limit behind by default: recorded video replays.
        assertThat(reason(withPts(frame, 0))).isNull();
        InputLimits behind =
                new InputLimits(
                        256,
                        1024,
                        4096,
                        256,
                        8,
                        64,
                        64,
                        16384,
                        1000,
                        16,
                        1000,
                        Duration.ofMinutes(5),
                        Duration.ofHours(1),
                        Duration.ofHours(1));
        FrameValidator strict = new FrameValidator(DecodeLimits.defaults(), behind, () -> NOW);
        assertThat(strict.validate(withPts(frame, 0)).orElseThrow().getReason())
                .isEqualTo(ReasonCode.TIMESTAMP_OUT_OF_RANGE);
    }

    @Test
    void metadataAndMediaTypeAreBounded() {
        VideoFrame frame = withPts(Samples.jpegFrame(Samples.jpeg()), NOW);
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 65; i++) {
            many.put("k" + i, "v");
        }
        assertThat(reason(VideoFrame.newBuilder(frame).setMetadata(many).build()))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        Map<String, String> big = Map.of("note", "n".repeat(20_000));
        assertThat(reason(VideoFrame.newBuilder(frame).setMetadata(big).build()))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(reason(VideoFrame.newBuilder(frame).setMediaType("x".repeat(65)).build()))
                .isEqualTo(ReasonCode.FIELD_TOO_LONG);
        assertThat(reason(VideoFrame.newBuilder(frame).setStreamId("cam\u0000").build()))
                .isEqualTo(ReasonCode.INVALID_ID);
    }

    @Test
    void aDeadLetterIsSmallWhateverTheRecordWas() {
        String hugeId = "s".repeat(300_000);
        byte[] hugeKey = "k".repeat(300_000).getBytes(StandardCharsets.UTF_8);
        Failure failure =
                Failures.of(
                        ReasonCode.FIELD_TOO_LONG,
                        "stream '" + hugeId + "' is too long",
                        new byte[600_000],
                        hugeKey);
        DeadLetter letter = DeadLetters.of(new SourceRef("frames", 0, 7L), failure, "s", hugeId);
        assertThat(AvroCodec.of(DeadLetter.class).encode(letter).length).isLessThan(8_192);
        assertThat(letter.getMessage()).endsWith("more characters)");
        assertThat(letter.getPayloadSize()).isEqualTo(600_000);
        assertThat(letter.getSourceKey().remaining()).isEqualTo(Failures.KEY_HEAD_BYTES);
        DeadLetter later =
                DeadLetters.of(
                        new SourceRef("moment", -1, -1L),
                        ReasonCode.PROCESSING_ERROR,
                        "x".repeat(100_000),
                        "stage",
                        hugeId,
                        ByteBuffer.wrap(new byte[1 << 20]));
        assertThat(AvroCodec.of(DeadLetter.class).encode(later).length).isLessThan(8_192);
    }

    private ReasonCode reason(VideoFrame frame) {
        return validator.validate(frame).map(Failure::getReason).orElse(null);
    }

    private static VideoFrame withPts(VideoFrame frame, long pts) {
        return VideoFrame.newBuilder(frame).setPtsMicros(pts).build();
    }
}
