package io.vlstream.selection;

import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Cuts one stream's score series for one instruction into moments, in event time; stateless: the
 * caller keeps the {@link OpenMoment} (keyed state) and passes it back in with the next frame.
 *
 * <p>Rules, with {@code threshold} and the evidence budget read from each frame:
 *
 * <ul>
 *   <li>a frame with {@code score >= threshold} opens a moment;
 *   <li>a frame with {@code score >= threshold * exitRatio} (the exit level) extends it;
 *   <li>a frame, whatever its score, more than {@code maxGapMicros} after the moment's last frame
 *       at or above the exit level closes it (the frame may then open the next moment); frames
 *       below the exit level within the gap change nothing. A frame and a timer at {@link
 *       #closesAfterMicros} close the moment at the same point, so the result does not depend on
 *       which the caller sees first;
 *   <li>a closed moment shorter than {@code minDurationMicros} with fewer than {@code minFrames}
 *       frames at or above the threshold is a blip and is dropped.
 * </ul>
 *
 * <p>State fields: {@code endMicros} is the last pts at or above the exit level, {@code
 * lastAboveMicros} the last at or above the threshold, {@code frameCount}/{@code scoreSum} cover
 * only frames at or above the exit level. A merged dip's frames are therefore not counted: the
 * state cannot hold a pending count and sum for frames that may turn out to be a trailing gap.
 *
 * <p>Arguments are never modified; each step returns a new {@link OpenMoment} that shares the
 * (unmodified) {@link ScoredFrame} instances, so no image bytes are copied.
 */
public final class MomentTracker implements Serializable {

    private static final long serialVersionUID = 1L;

    private final SelectionPolicy policy;
    private final EvidencePicker evidencePicker;

    public MomentTracker(SelectionPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.evidencePicker = new EvidencePicker(policy);
    }

    public SelectionPolicy policy() {
        return policy;
    }

    /**
     * The outcome of one frame.
     *
     * @param next the moment open after this frame, or null when none is
     * @param closed a moment this frame closed, or null (none closed, or it was a blip)
     */
    public record Step(OpenMoment next, Moment closed) {}

    /**
     * Folds one frame into the state.
     *
     * @param open the open moment, or null when none is open
     * @param frame the next frame of this stream and instruction, in pts order
     * @throws IllegalArgumentException if the frame belongs to another stream or instruction than
     *     the open moment (a keying error in the caller)
     */
    public Step onFrame(OpenMoment open, ScoredFrame frame) {
        Objects.requireNonNull(frame, "frame");
        Moment closed = null;
        if (open != null) {
            checkSameKey(open, frame);
            if (frame.getPtsMicros() - open.getEndMicros() > policy.maxGapMicros()) {
                closed = close(open);
                open = null;
            }
        }
        float score = frame.getScore();
        float threshold = frame.getThreshold();
        if (open == null) {
            OpenMoment next = score >= threshold ? start(frame) : null;
            return new Step(next, closed);
        }
        if (score >= policy.exitLevel(threshold)) {
            return new Step(extend(open, frame, score >= threshold), closed);
        }
        return new Step(open, closed);
    }

    /**
     * Closes a moment without waiting for another frame: on a quiet-stream timeout, an event-time
     * timer at {@link #closesAfterMicros}, or when the instruction is retired.
     *
     * @return the moment, or null if {@code open} is null or the moment is a blip
     */
    public Moment close(OpenMoment open) {
        if (open == null) {
            return null;
        }
        long duration = open.getEndMicros() - open.getStartMicros();
        if (duration < policy.minDurationMicros() && open.getAboveCount() < policy.minFrames()) {
            return null;
        }
        List<ScoredFrame> evidence = open.getEvidence();
        if (evidence == null || evidence.isEmpty()) {
            // Never produced by this class: the opening frame is always kept as evidence.
            throw new IllegalStateException(
                    "open moment starting at "
                            + open.getStartMicros()
                            + " has no evidence frame,"
                            + " so its stream and instruction are unknown");
        }
        ScoredFrame first = evidence.get(0);
        int frames = open.getFrameCount();
        return new Moment(
                first.getStreamId(),
                first.getInstructionId(),
                open.getStartMicros(),
                open.getEndMicros(),
                frames,
                frames == 0 ? 0.0 : open.getScoreSum() / frames,
                open.getPeakScore(),
                evidence,
                open.getLastReceivedAtMicros());
    }

    /**
     * The moment as it stands, without the blip rule: for OPEN/UPDATE captions of a moment that is
     * still open.
     */
    public Moment snapshot(OpenMoment open) {
        ScoredFrame first = open.getEvidence().get(0);
        int frames = open.getFrameCount();
        return new Moment(
                first.getStreamId(),
                first.getInstructionId(),
                open.getStartMicros(),
                open.getEndMicros(),
                frames,
                frames == 0 ? 0.0 : open.getScoreSum() / frames,
                open.getPeakScore(),
                open.getEvidence(),
                open.getLastReceivedAtMicros());
    }

    /**
     * The last pts a frame can have and still extend the moment; once the watermark passes it, the
     * moment can be closed with {@link #close}.
     */
    public long closesAfterMicros(OpenMoment open) {
        return open.getEndMicros() + policy.maxGapMicros();
    }

    private OpenMoment start(ScoredFrame frame) {
        long pts = frame.getPtsMicros();
        return new OpenMoment(
                pts,
                pts,
                pts,
                1,
                1,
                (double) frame.getScore(),
                frame.getScore(),
                frame.getReceivedAtMicros(),
                evidencePicker.offer(List.of(), frame, frame.getMaxEvidenceFrames()),
                null,
                null,
                List.of());
    }

    private OpenMoment extend(OpenMoment open, ScoredFrame frame, boolean aboveThreshold) {
        long pts = frame.getPtsMicros();
        return new OpenMoment(
                open.getStartMicros(),
                aboveThreshold
                        ? Math.max(pts, open.getLastAboveMicros())
                        : open.getLastAboveMicros(),
                Math.max(pts, open.getEndMicros()),
                open.getFrameCount() + 1,
                open.getAboveCount() + (aboveThreshold ? 1 : 0),
                open.getScoreSum() + frame.getScore(),
                Math.max(open.getPeakScore(), frame.getScore()),
                pts >= open.getEndMicros()
                        ? frame.getReceivedAtMicros()
                        : open.getLastReceivedAtMicros(),
                evidencePicker.offer(open.getEvidence(), frame, frame.getMaxEvidenceFrames()),
                open.getLastEmittedMicros(),
                open.getRecentBest(),
                open.getSentSequences());
    }

    private static void checkSameKey(OpenMoment open, ScoredFrame frame) {
        List<ScoredFrame> evidence = open.getEvidence();
        if (evidence == null || evidence.isEmpty()) {
            return;
        }
        ScoredFrame first = evidence.get(0);
        if (!first.getStreamId().equals(frame.getStreamId())
                || !first.getInstructionId().equals(frame.getInstructionId())) {
            throw new IllegalArgumentException(
                    "frame "
                            + frame.getSequence()
                            + " of stream '"
                            + frame.getStreamId()
                            + "', instruction '"
                            + frame.getInstructionId()
                            + "' offered to the open moment of stream '"
                            + first.getStreamId()
                            + "', instruction '"
                            + first.getInstructionId()
                            + "': state must be keyed by stream and instruction");
        }
    }
}
