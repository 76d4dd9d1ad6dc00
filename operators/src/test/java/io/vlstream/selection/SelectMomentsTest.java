package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Detection;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.instruction.InstructionState;
import java.util.List;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link SelectMoments} in a Flink test harness: captions out, and state and timers cleared. */
class SelectMomentsTest {

    private static final long QUIET_MS = 5_000;
    private static final long MS = 1_000;
    private static CompiledInstruction instruction;

    @BeforeAll
    static void compile() {
        instruction =
                CompiledInstruction.newBuilder()
                        .setInstructionId(SelectionTestData.INSTRUCTION)
                        .setText("a person")
                        .setActive(true)
                        .setMaxEvidenceFrames(SelectionTestData.BUDGET)
                        .setScoreThreshold(SelectionTestData.THRESHOLD)
                        .setUpdatedAtMicros(1)
                        .setQuery(new InstructionCompiler().compile("a person"))
                        .build();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredFrame, CompiledInstruction, GroundedCaption>
            harness() throws Exception {
        KeyedBroadcastOperatorTestHarness<String, ScoredFrame, CompiledInstruction, GroundedCaption>
                harness =
                        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                                new SelectMoments(SelectionPolicy.defaults(), QUIET_MS, 0.3f),
                                new SelectionKey(),
                                BasicTypeInfo.STRING_TYPE_INFO,
                                InstructionState.DESCRIPTOR);
        harness.processBroadcastElement(instruction, 0);
        return harness;
    }

    private static ScoredFrame person(long ptsMillis, float score) {
        List<Detection> detections =
                score > 0
                        ? List.of(SelectionTestData.det("person", 100, 100, 150, 250))
                        : List.of();
        return SelectionTestData.frame(ptsMillis * MS, score, SelectionTestData.BUDGET, detections);
    }

    /** Entries in every keyed state of the operator (heap backend). */
    private static int keyedStateEntries(
            KeyedBroadcastOperatorTestHarness<
                            String, ScoredFrame, CompiledInstruction, GroundedCaption>
                    harness) {
        AbstractStreamOperator<?> operator =
                (AbstractStreamOperator<?>) harness.getTwoInputOperator();
        return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static void send(
            KeyedBroadcastOperatorTestHarness<
                            String, ScoredFrame, CompiledInstruction, GroundedCaption>
                    harness,
            ScoredFrame frame)
            throws Exception {
        harness.processElement(frame, frame.getPtsMicros() / MS);
    }

    @Test
    void aMomentClosedByLowScoresIsCaptionedAndLeavesNoStateOrTimers() throws Exception {
        var harness = harness();
        for (long t = 0; t <= 400; t += 100) {
            send(harness, person(t, 0.9f));
        }
        for (long t = 500; t <= 2_000; t += 100) {
            send(harness, person(t, 0f));
        }
        harness.watermark(2_000);

        List<GroundedCaption> captions = harness.extractOutputValues();
        assertThat(captions).hasSize(1);
        GroundedCaption caption = captions.get(0);
        assertThat(caption.getMomentStartMicros()).isZero();
        assertThat(caption.getMomentEndMicros()).isEqualTo(400 * MS);
        assertThat(caption.getCaption()).contains("person");
        assertThat(caption.getEvidence())
                .isNotEmpty()
                .hasSizeLessThanOrEqualTo(SelectionTestData.BUDGET);
        assertThat(keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void aQuietStreamClosesItsOpenMomentAfterTheQuietTimeout() throws Exception {
        var harness = harness();
        harness.setProcessingTime(1_000);
        for (long t = 0; t <= 300; t += 100) {
            send(harness, person(t, 0.9f));
        }
        // No watermark: the stream went quiet before event time could close anything.
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(1_000 + QUIET_MS);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(c -> assertThat(c.getMomentEndMicros()).isEqualTo(300 * MS));
        assertThat(keyedStateEntries(harness)).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void retiringTheInstructionCaptionsTheOpenMomentAndClearsItsState() throws Exception {
        var harness = harness();
        for (long t = 0; t <= 500; t += 100) {
            send(harness, person(t, 0.9f));
        }
        harness.watermark(300);
        assertThat(keyedStateEntries(harness)).isPositive();

        CompiledInstruction retirement =
                CompiledInstruction.newBuilder(instruction).setActive(false).setQuery(null).build();
        harness.processBroadcastElement(retirement, 600);

        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getMomentStartMicros()).isZero();
                            assertThat(c.getMomentEndMicros()).isEqualTo(500 * MS);
                        });
        assertThat(keyedStateEntries(harness)).isZero();
        // Frames of a retired instruction are no longer selected.
        send(harness, person(700, 0.9f));
        harness.watermark(10_000);
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(keyedStateEntries(harness)).isZero();
        harness.close();
    }

    @Test
    void framesBehindTheWatermarkAreCountedLateAndNotSelected() throws Exception {
        var harness = harness();
        harness.watermark(5_000);
        send(harness, person(1_000, 0.9f));
        assertThat(keyedStateEntries(harness)).isZero();
        harness.close();
    }
}
