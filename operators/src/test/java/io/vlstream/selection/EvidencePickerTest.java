package io.vlstream.selection;

import static io.vlstream.selection.SelectionTestData.STEP;
import static io.vlstream.selection.SelectionTestData.det;
import static io.vlstream.selection.SelectionTestData.feedAndClose;
import static io.vlstream.selection.SelectionTestData.frame;
import static io.vlstream.selection.SelectionTestData.pts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.internal.ScoredFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Evidence choice: budget, score order, temporal spacing, near-duplicate suppression. */
class EvidencePickerTest {

    private static final long SPACING = SelectionPolicy.DEFAULT_MIN_EVIDENCE_SPACING_MICROS;

    private final EvidencePicker picker = new EvidencePicker(SelectionPolicy.defaults());

    @Test
    void tenThousandFrameMomentKeepsBudgetAndSpreadsEvidence() {
        int budget = 8;
        Random random = new Random(42);
        List<ScoredFrame> frames = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            frames.add(frame(i * STEP, 0.6f + 0.4f * random.nextFloat(), budget, List.of()));
        }

        // feed() also checks the state's evidence against the budget after every frame.
        List<Moment> moments = feedAndClose(new MomentTracker(SelectionPolicy.defaults()), frames);

        assertThat(moments).hasSize(1);
        Moment moment = moments.get(0);
        assertThat(moment.frameCount()).isEqualTo(10_000);
        List<ScoredFrame> evidence = moment.evidence();
        assertThat(evidence).hasSize(budget);
        assertThat(pts(evidence)).isSorted().doesNotHaveDuplicates();
        assertSpaced(evidence, SPACING);
        ScoredFrame best = frames.stream().max(Comparator.comparing(ScoredFrame::getScore)).get();
        assertThat(evidence).contains(best);
        float[] sorted = new float[frames.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = frames.get(i).getScore();
        }
        Arrays.sort(sorted);
        float top1Percent = sorted[(int) (sorted.length * 0.99)];
        assertThat(evidence).allMatch(f -> f.getScore() >= top1Percent);
        // Spread over the moment (1000 s), not bunched around the best frame.
        long span = evidence.get(budget - 1).getPtsMicros() - evidence.get(0).getPtsMicros();
        assertThat(span).isGreaterThan(moment.durationMicros() / 2);
    }

    @Test
    void rampedScoresStillGiveSpacedEvidence() {
        // Scores rise for 10 s and fall for 10 s: the best frames are neighbours of the peak.
        List<ScoredFrame> frames = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            float score = 1.0f - Math.abs(i - 100) * 0.004f;
            frames.add(frame(i * STEP, score, 4, List.of()));
        }

        Moment moment = feedAndClose(new MomentTracker(SelectionPolicy.defaults()), frames).get(0);

        assertThat(moment.evidence()).hasSize(4);
        assertSpaced(moment.evidence(), SPACING);
        assertThat(pts(moment.evidence())).contains(100 * STEP);
    }

    @Test
    void shortMomentFillsTheBudgetWhenSpacingIsImpossible() {
        List<ScoredFrame> kept = List.of();
        for (int i = 0; i < 3; i++) {
            kept = picker.offer(kept, frame(i * STEP, 0.6f + i * 0.1f), 5);
        }
        assertThat(pts(kept)).containsExactly(0L, STEP, 2 * STEP);

        // Budget 2, six frames 100 ms apart: the best two, although closer than the spacing.
        List<ScoredFrame> two = List.of();
        float[] scores = {0.6f, 0.9f, 0.7f, 0.95f, 0.65f, 0.62f};
        for (int i = 0; i < scores.length; i++) {
            two = picker.offer(two, frame(i * STEP, scores[i]), 2);
        }
        assertThat(pts(two)).containsExactly(STEP, 3 * STEP);
    }

    @Test
    void spacedFrameWinsOverBetterFrameTooCloseToTheBest() {
        List<ScoredFrame> kept = List.of();
        kept = picker.offer(kept, frame(0, 0.9f), 2);
        kept = picker.offer(kept, frame(STEP, 0.85f), 2);
        kept = picker.offer(kept, frame(6 * STEP, 0.6f), 2);

        assertThat(pts(kept)).containsExactly(0L, 6 * STEP);
    }

    @Test
    void nearDuplicatesCollapseToTheBestFrame() {
        // A parked van and a standing person; the detector jitters by a pixel.
        List<ScoredFrame> frames = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 30; i++) {
            float j = (i % 3) - 1;
            List<Detection> dets =
                    List.of(
                            det("van", 100 + j, 200, 400 + j, 400),
                            det("person", 420, 180 + j, 480, 400 + j));
            frames.add(frame(i * SPACING, 0.6f + 0.3f * random.nextFloat(), 5, dets));
        }

        Moment moment = feedAndClose(new MomentTracker(SelectionPolicy.defaults()), frames).get(0);

        ScoredFrame best = frames.stream().max(Comparator.comparing(ScoredFrame::getScore)).get();
        assertThat(moment.evidence()).containsExactly(best);
    }

    @Test
    void movingSubjectIsNotANearDuplicate() {
        // Same labels, but the person walks 40 px per frame towards the van.
        List<ScoredFrame> frames = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            List<Detection> dets =
                    List.of(
                            det("van", 100, 200, 400, 400),
                            det("person", 1200 - 40 * i, 180, 1260 - 40 * i, 400));
            frames.add(frame(i * SPACING, 0.7f, 5, dets));
        }

        Moment moment = feedAndClose(new MomentTracker(SelectionPolicy.defaults()), frames).get(0);

        assertThat(moment.evidence()).hasSize(5);
    }

    @Test
    void betterNearDuplicateReplacesTheKeptOne() {
        List<Detection> dets = List.of(det("van", 100, 200, 400, 400));
        List<ScoredFrame> kept = List.of();
        kept = picker.offer(kept, frame(0, 0.7f, 4, dets), 4);
        kept = picker.offer(kept, frame(10 * STEP, 0.9f, 4, dets), 4);
        assertThat(pts(kept)).containsExactly(10 * STEP);
        kept = picker.offer(kept, frame(20 * STEP, 0.8f, 4, dets), 4);
        assertThat(pts(kept)).containsExactly(10 * STEP);
    }

    @Test
    void nearDuplicateNeedsSameLabelsSameCountAndHighIou() {
        List<Detection> van = List.of(det("van", 0, 0, 100, 100));
        ScoredFrame a = frame(0, 0.9f, 4, van);

        assertThat(picker.isNearDuplicate(a, frame(STEP, 0.9f, 4, van))).isTrue();
        // Shifted 3 px: IoU = 97*100 / (2*10000 - 9700) = 0.94.
        assertThat(
                        picker.isNearDuplicate(
                                a, frame(STEP, 0.9f, 4, List.of(det("van", 3, 0, 103, 100)))))
                .isTrue();
        // Shifted 8 px: IoU = 0.85 < 0.9.
        assertThat(
                        picker.isNearDuplicate(
                                a, frame(STEP, 0.9f, 4, List.of(det("van", 8, 0, 108, 100)))))
                .isFalse();
        assertThat(
                        picker.isNearDuplicate(
                                a, frame(STEP, 0.9f, 4, List.of(det("car", 0, 0, 100, 100)))))
                .isFalse();
        List<Detection> vanAndPerson = List.of(van.get(0), det("person", 200, 0, 250, 100));
        assertThat(picker.isNearDuplicate(a, frame(STEP, 0.9f, 4, vanAndPerson))).isFalse();
        // Without detections there is nothing to compare: never a near-duplicate.
        assertThat(picker.isNearDuplicate(frame(0, 0.9f), frame(STEP, 0.9f))).isFalse();
    }

    @Test
    void iouOfKnownBoxes() {
        assertThat(EvidencePicker.iou(new Box(0f, 0f, 10f, 10f), new Box(5f, 0f, 15f, 10f)))
                .isCloseTo(50.0 / 150.0, within(1e-9));
        assertThat(EvidencePicker.iou(new Box(0f, 0f, 10f, 10f), new Box(20f, 0f, 30f, 10f)))
                .isZero();
        assertThat(EvidencePicker.iou(new Box(0f, 0f, 10f, 10f), new Box(0f, 0f, 10f, 10f)))
                .isEqualTo(1.0);
    }

    @Test
    void budgetBelowOneStillKeepsTheBestFrame() {
        List<ScoredFrame> kept = List.of();
        kept = picker.offer(kept, frame(0, 0.6f, 0, List.of()), 0);
        kept = picker.offer(kept, frame(10 * STEP, 0.8f, 0, List.of()), 0);
        assertThat(pts(kept)).containsExactly(10 * STEP);
    }

    private static void assertSpaced(List<ScoredFrame> evidence, long spacing) {
        for (int i = 1; i < evidence.size(); i++) {
            assertThat(evidence.get(i).getPtsMicros() - evidence.get(i - 1).getPtsMicros())
                    .as("gap between evidence frames %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(spacing);
        }
    }
}
