package io.vlstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.Box;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.instruction.InstructionState;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A frame that one instruction's scoring throws on is a dead letter; the others still score it. */
class ScoreFramesGuardTest {

    @Test
    void aThrowingInstructionDeadLettersTheFrameForItAloneAndStreamsAreSelectedOnce()
            throws Exception {
        try (BroadcastOperatorTestHarness<FrameAnalysis, CompiledInstruction, ScoredFrame> harness =
                ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                        new ScoreFrames(0.3f), InstructionState.DESCRIPTOR)) {
            harness.processBroadcastElement(instruction("people", "a person", List.of()), 0);
            // No compiled query (as from state written by another version): scoring throws.
            CompiledInstruction broken = instruction("broken", "a person", List.of());
            broken.setQuery(null);
            harness.processBroadcastElement(broken, 0);
            harness.processBroadcastElement(instruction("other", "a person", List.of("hall")), 0);

            harness.processElement(frame("cam-1", 7), 0);

            assertThat(harness.extractOutputValues())
                    .extracting(ScoredFrame::getInstructionId)
                    .containsExactly("people");
            assertThat(harness.getSideOutput(ScoreFrames.SCORES))
                    .extracting(r -> ((AlignmentScore) r.getValue()).getSubjectId())
                    .containsExactly("people");
            List<DeadLetter> letters =
                    harness.getSideOutput(DeadLetters.TAG).stream()
                            .map(r -> (DeadLetter) r.getValue())
                            .toList();
            assertThat(letters).hasSize(1);
            assertThat(letters.get(0).getReason()).isEqualTo(ReasonCode.PROCESSING_ERROR);
            assertThat(letters.get(0).getStage()).isEqualTo("score-frames");
            assertThat(letters.get(0).getMessage()).contains("broken").contains("frame 7");
            assertThat(letters.get(0).getSourceOffset()).isEqualTo(7);
        }
    }

    private static CompiledInstruction instruction(String id, String text, List<String> streams) {
        return CompiledInstruction.newBuilder()
                .setInstructionId(id)
                .setText(text)
                .setActive(true)
                .setStreamIds(streams)
                .setMaxEvidenceFrames(3)
                .setScoreThreshold(0.4f)
                .setUpdatedAtMicros(1)
                .setQuery(new InstructionCompiler().compile(text))
                .build();
    }

    private static FrameAnalysis frame(String stream, long sequence) {
        return FrameAnalysis.newBuilder()
                .setStreamId(stream)
                .setSequence(sequence)
                .setPtsMicros(sequence * 100_000)
                .setWidth(640)
                .setHeight(480)
                .setMediaType("image/jpeg")
                .setImage(ByteBuffer.allocate(0))
                .setDetections(List.of(new Detection("person", 0, 0.8f, new Box(1f, 1f, 50f, 90f))))
                .setModels(List.of(new ModelRef("detector", "d", "1")))
                .setSource(new SourceRef("frames", 0, sequence))
                .setReceivedAtMicros(0)
                .setModelLatencyMicros(0)
                .build();
    }
}
