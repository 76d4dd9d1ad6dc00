package io.vlstream.caption;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.selection.Moment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/** Assembles the {@link GroundedCaption} record of a closed moment. */
public final class GroundedCaptions {

    private GroundedCaptions() {}

    public static GroundedCaption of(
            Moment moment,
            CompiledInstruction instruction,
            ComposedCaption caption,
            ModelRef captioner,
            long nowMicros) {
        List<ScoredFrame> evidence = moment.evidence();
        ScoredFrame best =
                evidence.stream()
                        .max(Comparator.comparingDouble(ScoredFrame::getScore))
                        .orElseThrow();
        List<EvidenceFrame> frames = new ArrayList<>();
        for (ScoredFrame frame : evidence) {
            frames.add(
                    EvidenceFrame.newBuilder()
                            .setFrameSequence(frame.getSequence())
                            .setPtsMicros(frame.getPtsMicros())
                            .setRelevance(frame.getScore())
                            .setWidth(frame.getWidth())
                            .setHeight(frame.getHeight())
                            .setMediaType(frame.getMediaType())
                            .setImage(frame.getImage())
                            .build());
        }
        LinkedHashSet<ModelRef> models = new LinkedHashSet<>(best.getModels());
        models.add(captioner);
        return GroundedCaption.newBuilder()
                .setStreamId(moment.streamId())
                .setInstructionId(moment.instructionId())
                .setInstructionText(instruction.getText())
                .setMomentId(moment.momentId())
                .setStatus(MomentStatus.FINAL)
                .setMomentStartMicros(moment.startMicros())
                .setMomentEndMicros(moment.endMicros())
                .setFrameCount(moment.frameCount())
                .setCaption(caption.text())
                .setPhrases(caption.phrases())
                .setEvidence(frames)
                .setAlignmentScore(moment.peakScore())
                .setContributions(best.getContributions())
                .setUngroundedTerms(best.getUngroundedTerms())
                .setModels(new ArrayList<>(models))
                .setEmittedAtMicros(nowMicros)
                .setProcessingLatencyMicros(Math.max(0, nowMicros - moment.lastReceivedAtMicros()))
                .build();
    }
}
