package io.vlstream.selection;

import static io.vlstream.selection.SelectionTestData.INSTRUCTION;
import static io.vlstream.selection.SelectionTestData.STREAM;
import static io.vlstream.selection.SelectionTestData.concat;
import static io.vlstream.selection.SelectionTestData.feed;
import static io.vlstream.selection.SelectionTestData.feedAndClose;
import static io.vlstream.selection.SelectionTestData.frame;
import static io.vlstream.selection.SelectionTestData.pts;
import static io.vlstream.selection.SelectionTestData.series;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Moment segmentation: start/end, hysteresis, gaps, blips, closing. */
class MomentTrackerTest {

    /** Between one and two frame intervals: at 10 fps, one frame below the exit level closes. */
    private static final long NO_GAP = 150_000L;

    private final MomentTracker tracker = new MomentTracker(SelectionPolicy.defaults());

    @Test
    void singleCleanMomentHasExactStartAndEnd() {
        // threshold 0.5, exit level 0.4; above at 200..400 ms, then quiet below the exit level.
        List<ScoredFrame> frames = series(0, 0.1, 0.2, 0.9, 0.8, 0.7, 0.2, 0.1);
        frames.addAll(series(700_000, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1));

        SelectionTestData.Run run = feed(tracker, frames);

        assertThat(run.open()).isNull();
        assertThat(run.closed()).hasSize(1);
        // Closed by the first frame more than maxGap (1 s) after the last frame at 400 ms.
        assertThat(run.closedAtPts()).containsExactly(1_500_000L);
        Moment moment = run.closed().get(0);
        assertThat(moment.streamId()).isEqualTo(STREAM);
        assertThat(moment.instructionId()).isEqualTo(INSTRUCTION);
        assertThat(moment.startMicros()).isEqualTo(200_000L);
        assertThat(moment.endMicros()).isEqualTo(400_000L);
        assertThat(moment.frameCount()).isEqualTo(3);
        assertThat(moment.meanScore()).isCloseTo((0.9 + 0.8 + 0.7) / 3, within(1e-6));
        assertThat(moment.peakScore()).isEqualTo(0.9f);
        assertThat(moment.lastReceivedAtMicros())
                .isEqualTo(frame(400_000, 0.7f).getReceivedAtMicros());
        assertThat(moment.momentId()).isEqualTo(STREAM + "/" + INSTRUCTION + "/200000");
        assertThat(pts(moment.evidence())).isSorted().allMatch(p -> p >= 200_000 && p <= 400_000);
    }

    @Test
    void hysteresisKeepsMomentOpenThroughDipAboveExitLevel() {
        // threshold 0.5; a gap of 150 ms bridges no missed frame at 10 fps, so only hysteresis
        // can bridge the dip.
        List<ScoredFrame> frames = series(0, 0.6, 0.45, 0.41, 0.6, 0.1, 0.1);
        SelectionPolicy noGap = SelectionPolicy.builder().withMaxGapMicros(NO_GAP).build();

        List<Moment> withHysteresis = feedAndClose(new MomentTracker(noGap), frames);
        assertThat(withHysteresis).hasSize(1);
        assertThat(withHysteresis.get(0).startMicros()).isZero();
        assertThat(withHysteresis.get(0).endMicros()).isEqualTo(300_000L);
        assertThat(withHysteresis.get(0).frameCount()).isEqualTo(4);

        SelectionPolicy noHysteresis =
                SelectionPolicy.builder().withMaxGapMicros(NO_GAP).withExitRatio(1.0).build();
        List<Moment> without = feedAndClose(new MomentTracker(noHysteresis), frames);
        assertThat(without)
                .extracting(Moment::startMicros, Moment::endMicros)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 0L),
                        org.assertj.core.groups.Tuple.tuple(300_000L, 300_000L));
    }

    @Test
    void scoreExactlyAtThresholdOpensAndExactlyAtExitLevelExtends() {
        // 0.5 * 0.5 = 0.25 exactly, so the boundaries are tested without rounding.
        SelectionPolicy policy =
                SelectionPolicy.builder().withExitRatio(0.5).withMaxGapMicros(NO_GAP).build();
        List<ScoredFrame> frames = series(0, 0.5, 0.25, 0.2499, 0.2499);

        SelectionTestData.Run run = feed(new MomentTracker(policy), frames);

        assertThat(run.closed()).hasSize(1);
        assertThat(run.closedAtPts()).containsExactly(300_000L);
        assertThat(run.closed().get(0).endMicros()).isEqualTo(100_000L);
    }

    @Test
    void gapLongerThanMaxGapSplitsIntoTwoMoments() {
        List<ScoredFrame> frames =
                concat(
                        series(0, 0.9, 0.9, 0.9),
                        // 300 ms .. 1.6 s below the exit level: 1.5 s without the moment.
                        series(
                                300_000, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1,
                                0.1, 0.1),
                        series(1_700_000, 0.8, 0.8, 0.8));

        SelectionTestData.Run run = feed(tracker, frames);
        List<Moment> moments = new ArrayList<>(run.closed());
        moments.add(tracker.close(run.open()));

        assertThat(run.closedAtPts()).containsExactly(1_300_000L);
        assertThat(moments)
                .extracting(Moment::startMicros, Moment::endMicros, Moment::frameCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0L, 200_000L, 3),
                        org.assertj.core.groups.Tuple.tuple(1_700_000L, 1_900_000L, 3));
        assertThat(moments.get(0).momentId()).isNotEqualTo(moments.get(1).momentId());
    }

    @Test
    void missingFramesLongerThanMaxGapAlsoSplit() {
        // No frames at all between 100 ms and 1.5 s (a stalled camera), then the scene again.
        List<ScoredFrame> frames = concat(series(0, 0.9, 0.9), series(1_500_000, 0.9, 0.9));

        SelectionTestData.Run run = feed(tracker, frames);

        assertThat(run.closedAtPts()).containsExactly(1_500_000L);
        assertThat(run.closed().get(0).endMicros()).isEqualTo(100_000L);
        assertThat(run.open().getStartMicros()).isEqualTo(1_500_000L);
    }

    @Test
    void shortGapMergesIntoOneMoment() {
        List<ScoredFrame> frames =
                concat(
                        series(0, 0.9, 0.9, 0.9),
                        series(300_000, 0.1, 0.1, 0.1, 0.1, 0.1), // 300..700 ms
                        series(800_000, 0.7, 0.7, 0.7),
                        series(1_100_000, 0.1));

        List<Moment> moments = feedAndClose(tracker, frames);

        assertThat(moments).hasSize(1);
        Moment moment = moments.get(0);
        assertThat(moment.startMicros()).isZero();
        assertThat(moment.endMicros()).isEqualTo(1_000_000L);
        // Only frames at or above the exit level count (see Moment#frameCount).
        assertThat(moment.frameCount()).isEqualTo(6);
        assertThat(moment.meanScore()).isCloseTo(0.8, within(1e-6));
    }

    @Test
    void blipShorterThanMinDurationWithTooFewFramesIsDropped() {
        SelectionPolicy policy =
                SelectionPolicy.builder()
                        .withMinDurationMicros(500_000)
                        .withMinFrames(3)
                        .withMaxGapMicros(NO_GAP)
                        .build();
        MomentTracker strict = new MomentTracker(policy);

        // One frame spike: short and too few frames.
        assertThat(feedAndClose(strict, series(0, 0.1, 0.9, 0.1, 0.1))).isEmpty();
        SelectionTestData.Run spike = feed(strict, series(0, 0.9));
        assertThat(strict.close(spike.open())).isNull();
        // Long enough (500 ms) although only one frame is above the threshold: kept.
        assertThat(feedAndClose(strict, series(0, 0.9, 0.45, 0.45, 0.45, 0.45, 0.45, 0.1)))
                .singleElement()
                .satisfies(m -> assertThat(m.durationMicros()).isEqualTo(500_000L));
        // Short (200 ms) but three frames above the threshold: kept.
        assertThat(feedAndClose(strict, series(0, 0.9, 0.9, 0.9, 0.1)))
                .singleElement()
                .satisfies(m -> assertThat(m.frameCount()).isEqualTo(3));
        // The defaults drop nothing: a one-frame spike is still a moment.
        assertThat(feedAndClose(tracker, series(0, 0.1, 0.9, 0.1))).hasSize(1);
    }

    @Test
    void scoresThatNeverCrossTheThresholdYieldNoMoment() {
        // 0.45 is above the exit level (0.4) but a moment only opens at the threshold (0.5).
        List<ScoredFrame> frames = series(0, 0.1, 0.3, 0.45, 0.49, 0.45, 0.2, 0.0, 0.499);
        for (ScoredFrame f : frames) {
            MomentTracker.Step step = tracker.onFrame(null, f);
            assertThat(step.next()).isNull();
            assertThat(step.closed()).isNull();
        }
        assertThat(feedAndClose(tracker, frames)).isEmpty();
        assertThat(tracker.close(null)).isNull();
    }

    @Test
    void closeOfAnOpenMomentReturnsIt() {
        SelectionTestData.Run run = feed(tracker, series(1_000_000, 0.6, 0.8, 0.7));
        OpenMoment open = run.open();
        assertThat(run.closed()).isEmpty();
        assertThat(open).isNotNull();
        assertThat(tracker.closesAfterMicros(open)).isEqualTo(1_200_000L + 1_000_000L);

        Moment moment = tracker.close(open);

        assertThat(moment).isNotNull();
        assertThat(moment.startMicros()).isEqualTo(1_000_000L);
        assertThat(moment.endMicros()).isEqualTo(1_200_000L);
        assertThat(moment.frameCount()).isEqualTo(3);
        assertThat(moment.peakScore()).isEqualTo(0.8f);
        assertThat(moment.meanScore()).isCloseTo(0.7, within(1e-6));
        assertThat(moment.evidence()).isNotEmpty();
        assertThat(moment.momentId()).isEqualTo(STREAM + "/" + INSTRUCTION + "/1000000");
    }

    @Test
    void stateIsNotModifiedInPlace() {
        OpenMoment open = tracker.onFrame(null, frame(0, 0.9f)).next();
        int evidenceBefore = open.getEvidence().size();

        OpenMoment next = tracker.onFrame(open, frame(600_000, 0.95f)).next();

        assertThat(open.getFrameCount()).isEqualTo(1);
        assertThat(open.getEndMicros()).isZero();
        assertThat(open.getEvidence()).hasSize(evidenceBefore);
        assertThat(next.getFrameCount()).isEqualTo(2);
        assertThat(next.getEvidence()).hasSize(2);
    }

    @Test
    void frameOfAnotherKeyIsRejectedWithContext() {
        OpenMoment open = tracker.onFrame(null, frame(0, 0.9f)).next();
        ScoredFrame other = frame(100_000, 0.9f);
        other.setStreamId("cam-2");

        assertThatThrownBy(() -> tracker.onFrame(open, other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cam-2")
                .hasMessageContaining(STREAM);
    }
}
