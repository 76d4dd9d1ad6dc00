package io.vlstream.sizing;

import static io.vlstream.sizing.SizingTestData.STREAM;
import static io.vlstream.sizing.SizingTestData.caption;
import static io.vlstream.sizing.SizingTestData.evidence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ReasonCode;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.serde.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

/** {@link FitToSink} in a Flink test harness: pass, trim, or dead-letter, and never throw. */
class FitToSinkTest {

    private static final int MAX_REQUEST = 1_048_576;
    private static final AvroCodec<GroundedCaption> CAPTIONS = AvroCodec.of(GroundedCaption.class);

    private static FitToSink<GroundedCaption> captions(FitToSink.StreamIdOf<GroundedCaption> key) {
        return new FitToSink<>(
                GroundedCaption.class, new CaptionTrimming(), key, "captions", MAX_REQUEST);
    }

    private static OneInputStreamOperatorTestHarness<GroundedCaption, GroundedCaption> harness(
            FitToSink<GroundedCaption> function) throws Exception {
        return ProcessFunctionTestHarnesses.forProcessFunction(function);
    }

    private static OneInputStreamOperatorTestHarness<GroundedCaption, GroundedCaption> harness()
            throws Exception {
        return harness(captions(GroundedCaption::getStreamId));
    }

    private static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<GroundedCaption, GroundedCaption> harness) {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    @Test
    void aSmallCaptionPassesUnchanged() throws Exception {
        GroundedCaption small = caption().build();
        try (var harness = harness()) {
            harness.processElement(small, 5);

            assertThat(harness.extractOutputValues()).containsExactly(small);
            assertThat(harness.extractOutputValues().get(0).getTrimmed()).isEmpty();
            assertThat(deadLetters(harness)).isEmpty();
        }
    }

    @Test
    void aBigCaptionComesOutTrimmedToTheRequestSize() throws Exception {
        GroundedCaption big = caption().setEvidence(evidence(10, 150_000)).build();
        try (var harness = harness()) {
            harness.processElement(big, 5);

            List<GroundedCaption> out = harness.extractOutputValues();
            assertThat(out).hasSize(1);
            GroundedCaption trimmed = out.get(0);
            assertThat(trimmed.getTrimmed()).containsExactly("evidence images: 4 of 10 removed");
            assertThat(
                            CAPTIONS.encode(trimmed).length
                                    + STREAM.getBytes(StandardCharsets.UTF_8).length
                                    + FitToSink.RECORD_OVERHEAD_BYTES)
                    .isLessThanOrEqualTo(MAX_REQUEST);
            assertThat(deadLetters(harness)).isEmpty();
        }
    }

    @Test
    void aCaptionNoTrimmingCanFitIsASmallDeadLetter() throws Exception {
        // The moment id is no part of the policy: nothing left out can make this fit.
        GroundedCaption impossible =
                caption()
                        .setMomentId("m".repeat(2_000_000))
                        .setEvidence(evidence(3, 100_000))
                        .build();
        int size = CAPTIONS.encode(impossible).length;
        try (var harness = harness()) {
            harness.processElement(impossible, 5);

            assertThat(harness.extractOutputValues()).isEmpty();
            List<DeadLetter> letters = deadLetters(harness);
            assertThat(letters).hasSize(1);
            DeadLetter letter = letters.get(0);
            assertThat(letter.getReason()).isEqualTo(ReasonCode.OUTPUT_TOO_LARGE);
            assertThat(letter.getStage()).isEqualTo("fit-captions");
            assertThat(letter.getSourceTopic()).isEqualTo("captions");
            assertThat(letter.getSourcePartition()).isEqualTo(-1);
            assertThat(letter.getSourceOffset()).isEqualTo(-1L);
            assertThat(letter.getStreamId()).isEqualTo(STREAM);
            assertThat(letter.getPayloadSize()).isEqualTo(size);
            int total = size + STREAM.length() + FitToSink.RECORD_OVERHEAD_BYTES;
            assertThat(letter.getMessage())
                    .contains("captions", String.valueOf(total), String.valueOf(MAX_REQUEST))
                    .containsPattern("down to \\d+ bytes");
            assertThat(AvroCodec.of(DeadLetter.class).encode(letter).length).isLessThan(16 * 1024);
        }
    }

    @Test
    void aRecordThatCannotBeProcessedIsADeadLetterNotAnException() throws Exception {
        GroundedCaption small = caption().build();
        try (var harness =
                harness(
                        captions(
                                c -> {
                                    throw new IllegalStateException(
                                            "no key for " + "x".repeat(50_000));
                                }))) {
            harness.processElement(small, 5);
            // Fields a required schema field cannot be null in: encoding fails.
            harness.processElement(new GroundedCaption(), 6);

            assertThat(harness.extractOutputValues()).isEmpty();
            List<DeadLetter> letters = deadLetters(harness);
            assertThat(letters)
                    .extracting(DeadLetter::getReason)
                    .containsExactly(ReasonCode.PROCESSING_ERROR, ReasonCode.PROCESSING_ERROR);
            assertThat(letters.get(0).getMessage())
                    .startsWith("Could not fit a GroundedCaption to sink captions:")
                    .contains("IllegalStateException")
                    .hasSizeLessThanOrEqualTo(io.vlstream.deadletter.Failures.MESSAGE_CHARS);
        }
        try (var harness = harness()) {
            harness.processElement(new GroundedCaption(), 6);

            assertThat(deadLetters(harness))
                    .singleElement()
                    .satisfies(
                            letter -> {
                                assertThat(letter.getReason())
                                        .isEqualTo(ReasonCode.PROCESSING_ERROR);
                                assertThat(letter.getMessage()).contains("Cannot encode");
                            });
        }
    }

    @Test
    void theLimitMustLeaveRoomForARecord() {
        assertThatThrownBy(
                        () ->
                                new FitToSink<>(
                                        AlignmentScore.class,
                                        new ScoreTrimming(),
                                        AlignmentScore::getStreamId,
                                        "scores",
                                        1_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scores")
                .hasMessageContaining("max.request.size");
        assertThat(
                        new FitToSink<>(
                                AlignmentScore.class,
                                new ScoreTrimming(),
                                AlignmentScore::getStreamId,
                                "scores",
                                1_537))
                .isNotNull();
    }

    @Test
    void theFunctionShipsToTaskManagersAndNamesItsAvroType() throws Exception {
        FitToSink<GroundedCaption> function = captions(GroundedCaption::getStreamId);

        FitToSink<GroundedCaption> shipped =
                InstantiationUtil.clone(function, getClass().getClassLoader());

        TypeInformation<GroundedCaption> type = shipped.getProducedType();
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(type.createSerializer(config)).isNotNull();
    }
}
