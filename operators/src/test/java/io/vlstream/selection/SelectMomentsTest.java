package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Detection;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.instruction.InstructionState;
import io.vlstream.internal.QuietTimer;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link SelectMoments} in a Flink test harness: selected moments out, and state and timers
 * cleared.
 */
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
                        .setCaptionPrompt("Say who is there.")
                        .build();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredFrame, CompiledInstruction, SelectedMoment>
            harness() throws Exception {
        return harness(new SelectMoments(SelectionPolicy.defaults(), Duration.ofMillis(QUIET_MS)));
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredFrame, CompiledInstruction, SelectedMoment>
            harness(SelectMoments function) throws Exception {
        KeyedBroadcastOperatorTestHarness<String, ScoredFrame, CompiledInstruction, SelectedMoment>
                harness =
                        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                                function,
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
                            String, ScoredFrame, CompiledInstruction, SelectedMoment>
                    harness) {
        AbstractStreamOperator<?> operator =
                (AbstractStreamOperator<?>) harness.getTwoInputOperator();
        return ((HeapKeyedStateBackend<?>) operator.getKeyedStateBackend())
                .numKeyValueStateEntries();
    }

    private static void send(
            KeyedBroadcastOperatorTestHarness<
                            String, ScoredFrame, CompiledInstruction, SelectedMoment>
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

        List<SelectedMoment> captions = harness.extractOutputValues();
        assertThat(captions).hasSize(1);
        SelectedMoment caption = captions.get(0);
        assertThat(caption.getStartMicros()).isZero();
        assertThat(caption.getEndMicros()).isEqualTo(400 * MS);
        assertThat(caption.getStatus()).isEqualTo(MomentStatus.FINAL);
        // What the caption stage needs comes along: the instruction's text, query and prompt.
        assertThat(caption.getInstructionText()).isEqualTo("a person");
        assertThat(caption.getQuery()).isEqualTo(instruction.getQuery());
        assertThat(caption.getCaptionPrompt()).isEqualTo("Say who is there.");
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
                .satisfies(c -> assertThat(c.getEndMicros()).isEqualTo(300 * MS));
        assertThat(keyedStateEntries(harness)).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    /**
     * A person seen from 0 to {@code lastMillis} ms, checkpointed at processing time 1 s, and
     * restored into a new operator instance whose clock still stands at 0 (the test moves it).
     */
    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredFrame, CompiledInstruction, SelectedMoment>
            restoredAfterAnOutage(long lastMillis) throws Exception {
        var before = harness();
        before.setProcessingTime(1_000);
        for (long t = 0; t <= lastMillis; t += 100) {
            send(before, person(t, 0.9f));
        }
        OperatorSubtaskState checkpoint = before.snapshot(1, 1_000);
        before.close();
        var after =
                new KeyedBroadcastOperatorTestHarness<
                        String, ScoredFrame, CompiledInstruction, SelectedMoment>(
                        new CoBroadcastWithKeyedOperator<>(
                                new SelectMoments(
                                        SelectionPolicy.defaults(), Duration.ofMillis(QUIET_MS)),
                                List.of(InstructionState.DESCRIPTOR)),
                        new SelectionKey(),
                        BasicTypeInfo.STRING_TYPE_INFO,
                        1,
                        1,
                        0);
        after.setup();
        after.initializeState(checkpoint);
        after.open();
        return after;
    }

    @Test
    void aRestoreAfterAnOutageLongerThanTheQuietTimeoutDoesNotSplitTheMoment() throws Exception {
        // The job was down for 15 s: the restored quiet timer is long past due.
        var after = restoredAfterAnOutage(400);
        after.setProcessingTime(16_000);
        assertThat(after.extractOutputValues()).as("closed at the restore").isEmpty();

        // The delayed frames arrive: the moment goes on, and closes once, whole.
        for (long t = 500; t <= 800; t += 100) {
            send(after, person(t, 0.9f));
        }
        for (long t = 900; t <= 2_500; t += 100) {
            send(after, person(t, 0f));
        }
        after.watermark(2_500);
        assertThat(after.extractOutputValues())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getStartMicros()).isZero();
                            assertThat(c.getEndMicros()).isEqualTo(800 * MS);
                        });
        after.close();
    }

    @Test
    void aRestoredStreamThatStaysQuietIsClosedAFullTimeoutAfterTheRestore() throws Exception {
        var after = restoredAfterAnOutage(300);
        after.setProcessingTime(16_000);
        after.setProcessingTime(16_000 + QUIET_MS - 1);
        assertThat(after.extractOutputValues()).isEmpty();

        after.setProcessingTime(16_000 + QUIET_MS);
        assertThat(after.extractOutputValues())
                .singleElement()
                .satisfies(c -> assertThat(c.getEndMicros()).isEqualTo(300 * MS));
        assertThat(keyedStateEntries(after)).isZero();
        assertThat(after.numProcessingTimeTimers()).isZero();
        after.close();
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, ScoredFrame, CompiledInstruction, SelectedMoment>
            checkpointedHarness() throws Exception {
        return harness(
                new SelectMoments(
                        SelectionPolicy.defaults(),
                        Duration.ZERO,
                        QuietTimer.checkpointed(Duration.ofMillis(QUIET_MS)),
                        SelectMoments.DEFAULT_MAX_EVIDENCE_BYTES));
    }

    @Test
    void aStallLongerThanTheQuietTimeoutDoesNotSplitTheMoment() throws Exception {
        var harness = checkpointedHarness();
        harness.setProcessingTime(1_000);
        for (long t = 0; t <= 400; t += 100) {
            send(harness, person(t, 0.9f));
        }
        harness.snapshot(1, 1_000);
        harness.setProcessingTime(1_100);
        harness.notifyOfCompletedCheckpoint(1);

        // The broker goes down: checkpoint 2's barrier passes, but the sinks cannot commit it, and
        // no frame arrives for far longer than the quiet timeout.
        harness.setProcessingTime(1_500);
        harness.snapshot(2, 1_500);
        harness.setProcessingTime(1_000 + QUIET_MS + 8_000);
        assertThat(harness.extractOutputValues()).as("closed during the stall").isEmpty();

        // The broker is back: checkpoint 2 completes, and the delayed frames follow.
        harness.notifyOfCompletedCheckpoint(2);
        for (long t = 500; t <= 800; t += 100) {
            send(harness, person(t, 0.9f));
        }
        for (long t = 900; t <= 2_500; t += 100) {
            send(harness, person(t, 0f));
        }
        harness.watermark(2_500);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getStartMicros()).isZero();
                            assertThat(c.getEndMicros()).isEqualTo(800 * MS);
                        });
        harness.close();
    }

    @Test
    void checkpointsThatAreOnlySlowWhileFramesFlowDoNotKeepAQuietStreamOpen() throws Exception {
        var harness = checkpointedHarness();
        harness.setProcessingTime(1_000);
        for (long t = 0; t <= 300; t += 100) {
            send(harness, person(t, 0.9f));
        }
        // Another camera keeps sending; every checkpoint takes 6 s, longer than the quiet timeout
        // (a large upload), which is no stall: frames kept arriving meanwhile.
        long checkpoint = 0;
        for (long now = 2_000; now <= 20_000; now += 1_000) {
            harness.setProcessingTime(now);
            send(
                    harness,
                    ScoredFrame.newBuilder(SelectionTestData.frame(now * MS, 0.9f))
                            .setStreamId("cam-2")
                            .build());
            if ((now - 2_000) % 6_000 == 0) {
                if (checkpoint > 0) {
                    harness.notifyOfCompletedCheckpoint(checkpoint);
                }
                harness.snapshot(++checkpoint, now);
            }
        }
        assertThat(harness.extractOutputValues())
                .filteredOn(c -> c.getStreamId().equals(SelectionTestData.STREAM))
                .singleElement()
                .satisfies(c -> assertThat(c.getEndMicros()).isEqualTo(300 * MS));
        harness.close();
    }

    @Test
    void aQuietStreamClosesOnceACheckpointTakenAfterItsQuietTimeCompletes() throws Exception {
        var harness = checkpointedHarness();
        harness.setProcessingTime(1_000);
        for (long t = 0; t <= 300; t += 100) {
            send(harness, person(t, 0.9f));
        }
        harness.snapshot(1, 1_200);
        harness.notifyOfCompletedCheckpoint(1);
        harness.setProcessingTime(1_000 + QUIET_MS + 2_000);
        // Quiet for long enough, but no barrier has passed since: a frame could still be on its
        // way.
        assertThat(harness.extractOutputValues()).isEmpty();

        harness.snapshot(2, 1_000 + QUIET_MS + 2_000);
        harness.notifyOfCompletedCheckpoint(2);
        harness.setProcessingTime(1_000 + QUIET_MS + 2_500);
        assertThat(harness.extractOutputValues())
                .singleElement()
                .satisfies(c -> assertThat(c.getEndMicros()).isEqualTo(300 * MS));
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
                            assertThat(c.getStartMicros()).isZero();
                            assertThat(c.getEndMicros()).isEqualTo(500 * MS);
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

    /** A person walking right, so consecutive frames are not near-duplicates. */
    private static ScoredFrame walking(String stream, long ptsMillis, float score, int perMinute) {
        float x = ptsMillis / 10f;
        List<Detection> detections =
                score > 0
                        ? List.of(SelectionTestData.det("person", x, 100, x + 50, 250))
                        : List.of();
        ScoredFrame f =
                SelectionTestData.frame(
                        ptsMillis * MS, score, SelectionTestData.BUDGET, detections);
        f.setStreamId(stream);
        f.setMaxFramesPerMinute(perMinute);
        return f;
    }

    @Test
    void aLongMomentIsCaptionedOpenUpdateFinalWithinTheBudgetThenForgottenWhenQuiet()
            throws Exception {
        var harness =
                harness(
                        new SelectMoments(
                                SelectionPolicy.defaults(),
                                Duration.ofSeconds(2),
                                QuietTimer.of(Duration.ofMillis(QUIET_MS)),
                                SelectMoments.DEFAULT_MAX_EVIDENCE_BYTES));
        harness.setProcessingTime(0);
        for (long t = 0; t <= 7_000; t += 100) {
            send(harness, walking(SelectionTestData.STREAM, t, 0.9f, 5));
        }
        for (long t = 7_100; t <= 9_000; t += 100) {
            send(harness, walking(SelectionTestData.STREAM, t, 0f, 5));
        }
        harness.watermark(9_000);

        List<SelectedMoment> captions = harness.extractOutputValues();
        assertThat(captions)
                .extracting(SelectedMoment::getStatus)
                .containsExactly(
                        MomentStatus.OPEN,
                        MomentStatus.UPDATE,
                        MomentStatus.UPDATE,
                        MomentStatus.FINAL);
        assertThat(captions)
                .extracting(SelectedMoment::getMomentId)
                .containsOnly(captions.get(0).getMomentId());
        // Never more than 5 distinct frames sent in the minute, whatever the updates wanted.
        assertThat(
                        captions.stream()
                                .flatMap(c -> c.getEvidence().stream())
                                .map(e -> e.getSequence())
                                .distinct()
                                .count())
                .isLessThanOrEqualTo(5);
        // The moment is closed; the budget window is kept (it still limits the next minute), and
        // so is the quiet timer (the time it is set for and the key's quiet time) ...
        assertThat(keyedStateEntries(harness)).isEqualTo(3);
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isEqualTo(1);
        // ... until the stream is quiet: then nothing is left.
        harness.setProcessingTime(QUIET_MS);
        assertThat(keyedStateEntries(harness)).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void aThousandStreamsComingAndGoingLeaveBoundedStateAndNothingAtTheEnd() throws Exception {
        var harness =
                harness(
                        new SelectMoments(
                                SelectionPolicy.defaults(),
                                Duration.ofSeconds(2),
                                QuietTimer.of(Duration.ofMillis(QUIET_MS)),
                                SelectMoments.DEFAULT_MAX_EVIDENCE_BYTES));
        int streams = 1_000;
        long spacingMs = 100;
        // A stream is live from its first frame until its quiet timeout: about QUIET_MS /
        // spacingMs streams at once, each with at most: 6 pending frames, a moment, a budget
        // window and a quiet timer.
        long live = QUIET_MS / spacingMs + 1;
        long bound = live * 9;
        int maxEntries = 0;
        int maxTimers = 0;
        int captions = 0;
        for (int i = 0; i < streams; i++) {
            harness.setProcessingTime(i * spacingMs);
            String stream = "cam-" + i;
            long start = i * 1_000L;
            for (int k = 0; k < 5; k++) {
                send(harness, walking(stream, start + k * 100, 0.9f, 3));
            }
            send(harness, walking(stream, start + 500, 0f, 3));
            harness.watermark(start + 400);
            maxEntries = Math.max(maxEntries, keyedStateEntries(harness));
            maxTimers =
                    Math.max(
                            maxTimers,
                            harness.numEventTimeTimers() + harness.numProcessingTimeTimers());
        }
        harness.watermark(Long.MAX_VALUE - 1);
        harness.setProcessingTime(streams * spacingMs + QUIET_MS);
        captions = harness.extractOutputValues().size();

        assertThat(captions).isEqualTo(streams);
        assertThat(maxEntries).isPositive().isLessThanOrEqualTo((int) bound);
        assertThat(maxTimers).isLessThanOrEqualTo((int) (live * 8));
        assertThat(keyedStateEntries(harness)).isZero();
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void retiringAnInstructionAlsoClearsItsBudgetWindowAndScoreSketch() throws Exception {
        var harness =
                harness(
                        new SelectMoments(
                                SelectionPolicy.defaults(),
                                Duration.ofSeconds(2),
                                QuietTimer.of(Duration.ofMillis(QUIET_MS)),
                                SelectMoments.DEFAULT_MAX_EVIDENCE_BYTES));
        for (long t = 0; t <= 3_000; t += 100) {
            ScoredFrame f = walking(SelectionTestData.STREAM, t, t <= 1_000 ? 0.9f : 0f, 5);
            f.setThresholdMode(ThresholdMode.ADAPTIVE);
            send(harness, f);
        }
        harness.watermark(3_000);
        // The moment closed and was captioned; the budget window, the sketch and the quiet timer
        // (two entries) remain.
        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(keyedStateEntries(harness)).isEqualTo(4);

        harness.processBroadcastElement(
                CompiledInstruction.newBuilder(instruction).setActive(false).setQuery(null).build(),
                4_000);

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(keyedStateEntries(harness)).isZero();
        harness.close();
    }
}
