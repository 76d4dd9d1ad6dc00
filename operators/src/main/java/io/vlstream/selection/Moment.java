package io.vlstream.selection;

import io.vlstream.avro.internal.ScoredFrame;
import java.util.List;
import java.util.Objects;

/**
 * A closed moment of one stream for one instruction, ready to be captioned.
 *
 * @param startMicros pts of the first frame at or above the threshold
 * @param endMicros pts of the last frame at or above the exit level (a trailing gap is not part of
 *     the moment)
 * @param frameCount frames between start and end at or above the exit level; frames in a merged gap
 *     below the exit level are not counted (the keyed state cannot tell a merged gap from a
 *     trailing one without two more fields, see {@link MomentTracker})
 * @param meanScore mean score of the {@code frameCount} frames
 * @param peakScore highest score in the moment
 * @param evidence chosen evidence frames, in pts order, never more than the instruction's budget
 * @param lastReceivedAtMicros wall-clock receive time of the frame at {@code endMicros}, for
 *     latency
 */
public record Moment(
        String streamId,
        String instructionId,
        long startMicros,
        long endMicros,
        int frameCount,
        double meanScore,
        float peakScore,
        List<ScoredFrame> evidence,
        long lastReceivedAtMicros) {

    public Moment {
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(instructionId, "instructionId");
        evidence = List.copyOf(evidence);
    }

    /** The same moment with other evidence (the frames actually sent to the captioner). */
    public Moment withEvidence(List<ScoredFrame> frames) {
        return new Moment(
                streamId,
                instructionId,
                startMicros,
                endMicros,
                frameCount,
                meanScore,
                peakScore,
                frames,
                lastReceivedAtMicros);
    }

    /** Stable id: the same stream, instruction and start give the same id after a restart. */
    public String momentId() {
        return streamId + "/" + instructionId + "/" + startMicros;
    }

    /** {@code endMicros - startMicros}; 0 for a one-frame moment. */
    public long durationMicros() {
        return endMicros - startMicros;
    }
}
