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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Assembles the {@link GroundedCaption} record of a closed moment. */
public final class GroundedCaptions {

    /** Most image bytes one caption carries; evidence beyond it is referenced, not embedded. */
    public static final int MAX_IMAGE_BYTES = 512 * 1024;

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
        // Images go in best first while they fit the budget, so a caption stays well under
        // Kafka's default 1 MB record limit whatever the instruction's evidence budget.
        Set<Long> withImage = new HashSet<>();
        long imageBytes = 0;
        for (ScoredFrame frame :
                evidence.stream()
                        .sorted(Comparator.comparingDouble(ScoredFrame::getScore).reversed())
                        .toList()) {
            int size = frame.getImage() == null ? 0 : frame.getImage().remaining();
            if (size > 0 && imageBytes + size <= MAX_IMAGE_BYTES) {
                withImage.add(frame.getSequence());
                imageBytes += size;
            }
        }
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
                            .setImage(
                                    withImage.contains(frame.getSequence())
                                            ? frame.getImage()
                                            : null)
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
