package io.vlstream.caption;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Builds the output record of a captioned moment: once, at the end of the caption stage. */
public final class GroundedCaptions {

    /** Most image bytes one caption carries; evidence beyond it is referenced, not embedded. */
    public static final int MAX_IMAGE_BYTES = 512 * 1024;

    private GroundedCaptions() {}

    /**
     * The caption record: the moment, its caption and phrases, its evidence (images best first
     * while they fit {@link #MAX_IMAGE_BYTES}), the best frame's contributions, and the lineage of
     * the frame's models and the captioner.
     */
    public static GroundedCaption of(SelectedMoment moment, CaptionText caption, long nowMicros) {
        List<ScoredFrame> evidence = moment.getEvidence();
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
        models.add(caption.model());
        return GroundedCaption.newBuilder()
                .setStreamId(moment.getStreamId())
                .setInstructionId(moment.getInstructionId())
                .setInstructionText(moment.getInstructionText())
                .setMomentId(moment.getMomentId())
                .setStatus(moment.getStatus())
                .setMomentStartMicros(moment.getStartMicros())
                .setMomentEndMicros(moment.getEndMicros())
                .setFrameCount(moment.getFrameCount())
                .setCaption(caption.text())
                .setPhrases(caption.phrases())
                .setEvidence(frames)
                .setAlignmentScore(moment.getPeakScore())
                .setContributions(best.getContributions())
                .setUngroundedTerms(best.getUngroundedTerms())
                .setModels(new ArrayList<>(models))
                .setEmittedAtMicros(nowMicros)
                .setProcessingLatencyMicros(
                        Math.max(0, nowMicros - moment.getLastReceivedAtMicros()))
                .build();
    }
}
