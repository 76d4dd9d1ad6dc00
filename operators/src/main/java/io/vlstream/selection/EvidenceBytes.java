package io.vlstream.selection;

import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bounds the bytes of evidence images an open moment keeps in keyed state: past the limit, the
 * least relevant evidence frames keep their place (scores, boxes, time) but lose their image. The
 * count of evidence frames is bounded by the instruction's budget; this bounds their bytes, which a
 * producer sending large images would otherwise decide.
 */
public final class EvidenceBytes {

    private static final Comparator<ScoredFrame> MOST_RELEVANT_FIRST =
            Comparator.comparingDouble((ScoredFrame f) -> f.getScore())
                    .reversed()
                    .thenComparingLong(ScoredFrame::getPtsMicros);

    private EvidenceBytes() {}

    /**
     * Drops images from {@code open}'s least relevant frames (its evidence and its recent best)
     * until their images take at most {@code maxBytes}; changes the frames in place.
     *
     * @return how many images were dropped
     */
    public static int bound(OpenMoment open, long maxBytes) {
        if (open == null) {
            return 0;
        }
        List<ScoredFrame> frames = new ArrayList<>(open.getEvidence());
        ScoredFrame recent = open.getRecentBest();
        if (recent != null) {
            frames.add(recent);
        }
        frames.sort(MOST_RELEVANT_FIRST);
        Set<Long> counted = new HashSet<>();
        long kept = 0;
        int dropped = 0;
        for (ScoredFrame frame : frames) {
            if (frame.getImage() == null) {
                continue;
            }
            long size = frame.getImage().remaining();
            // The recent best is often one of the evidence frames: count its image once.
            boolean first = counted.add(frame.getSequence());
            if (first && kept + size > maxBytes) {
                frame.setImage(null);
                dropped++;
            } else if (first) {
                kept += size;
            }
        }
        dropSharedImages(open);
        return dropped;
    }

    /** A frame kept twice (evidence and recent best) loses its image in both places or neither. */
    private static void dropSharedImages(OpenMoment open) {
        ScoredFrame recent = open.getRecentBest();
        if (recent == null) {
            return;
        }
        for (ScoredFrame frame : open.getEvidence()) {
            if (frame != recent && frame.getSequence() == recent.getSequence()) {
                if (frame.getImage() == null) {
                    recent.setImage(null);
                } else if (recent.getImage() == null) {
                    frame.setImage(null);
                }
            }
        }
    }
}
