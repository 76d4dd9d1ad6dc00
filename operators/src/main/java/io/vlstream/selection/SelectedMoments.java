package io.vlstream.selection;

import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.SelectedMoment;

/** Turns what selection emits into the record the caption stage reads. */
public final class SelectedMoments {

    private SelectedMoments() {}

    /**
     * The moment as the caption stage sees it: its evidence (the frames sent to the captioner,
     * images included), the instruction's query, caption prompt and budget.
     */
    public static SelectedMoment of(
            MomentStatus status, Moment moment, CompiledInstruction instruction) {
        return SelectedMoment.newBuilder()
                .setMomentId(moment.momentId())
                .setStreamId(moment.streamId())
                .setInstructionId(moment.instructionId())
                .setInstructionText(instruction.getText())
                .setCaptionPrompt(instruction.getCaptionPrompt())
                .setQuery(instruction.getQuery())
                .setStatus(status)
                .setStartMicros(moment.startMicros())
                .setEndMicros(moment.endMicros())
                .setFrameCount(moment.frameCount())
                .setPeakScore(moment.peakScore())
                .setMaxEvidenceFrames(instruction.getMaxEvidenceFrames())
                .setEvidence(moment.evidence())
                .setLastReceivedAtMicros(moment.lastReceivedAtMicros())
                .build();
    }
}
