package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.util.ArrayList;
import java.util.List;

/** Concise {@link ScoredFrame} test data and a driver that feeds frames through a tracker. */
final class SelectionTestData {

    static final String STREAM = "cam-1";
    static final String INSTRUCTION = "person-near-van";
    static final float THRESHOLD = 0.5f;
    static final int BUDGET = 4;

    /** Ten frames a second. */
    static final long STEP = 100_000L;

    private SelectionTestData() {}

    /** A frame at {@code pts} with the default threshold and budget and no detections. */
    static ScoredFrame frame(long pts, float score) {
        return frame(pts, score, BUDGET, List.of());
    }

    static ScoredFrame frame(long pts, float score, int budget, List<Detection> detections) {
        return ScoredFrame.newBuilder()
                .setStreamId(STREAM)
                .setInstructionId(INSTRUCTION)
                .setInstructionText("a person walks next to a van")
                .setSequence(pts / STEP)
                .setPtsMicros(pts)
                .setWidth(768)
                .setHeight(576)
                .setMediaType("image/jpeg")
                .setImage(null)
                .setScore(score)
                .setThreshold(THRESHOLD)
                .setMaxEvidenceFrames(budget)
                .setContributions(List.of())
                .setDetections(detections)
                .setUngroundedTerms(List.of())
                .setModels(List.of())
                .setReceivedAtMicros(1_700_000_000_000_000L + pts)
                .build();
    }

    /** Frames every {@link #STEP} starting at {@code startPts}, one per score. */
    static List<ScoredFrame> series(long startPts, double... scores) {
        List<ScoredFrame> frames = new ArrayList<>(scores.length);
        for (int i = 0; i < scores.length; i++) {
            frames.add(frame(startPts + i * STEP, (float) scores[i]));
        }
        return frames;
    }

    static Detection det(String label, float x1, float y1, float x2, float y2) {
        return new Detection(label, 0, 0.9f, new Box(x1, y1, x2, y2));
    }

    @SafeVarargs
    static List<ScoredFrame> concat(List<ScoredFrame>... parts) {
        List<ScoredFrame> all = new ArrayList<>();
        for (List<ScoredFrame> part : parts) {
            all.addAll(part);
        }
        return all;
    }

    /** What feeding a series produced: closed moments, the pts of each closing frame, state. */
    record Run(List<Moment> closed, List<Long> closedAtPts, OpenMoment open) {}

    /** Feeds frames in order; checks on every step that the evidence stays within budget. */
    static Run feed(MomentTracker tracker, List<ScoredFrame> frames) {
        List<Moment> closed = new ArrayList<>();
        List<Long> closedAt = new ArrayList<>();
        OpenMoment open = null;
        for (ScoredFrame frame : frames) {
            MomentTracker.Step step = tracker.onFrame(open, frame);
            if (step.closed() != null) {
                closed.add(step.closed());
                closedAt.add(frame.getPtsMicros());
            }
            open = step.next();
            if (open != null) {
                assertThat(open.getEvidence())
                        .hasSizeLessThanOrEqualTo(Math.max(1, frame.getMaxEvidenceFrames()));
            }
        }
        return new Run(closed, closedAt, open);
    }

    /** Feeds frames, then closes whatever is still open (as a timer would). */
    static List<Moment> feedAndClose(MomentTracker tracker, List<ScoredFrame> frames) {
        Run run = feed(tracker, frames);
        List<Moment> all = new ArrayList<>(run.closed());
        Moment last = tracker.close(run.open());
        if (last != null) {
            all.add(last);
        }
        return all;
    }

    static List<Long> pts(List<ScoredFrame> frames) {
        return frames.stream().map(ScoredFrame::getPtsMicros).toList();
    }
}
