package io.vlstream.output;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.Region;
import java.util.TreeMap;

/**
 * A stream's time axis as seen in its output: seconds and 1-based frame numbers counted from the
 * first frame that appears (in a frame score, an evidence frame or a region), with the frame rate
 * estimated from the (sequence, timestamp) pairs the records carry.
 */
public final class StreamClock {

    /** Frame interval assumed when the output holds fewer than two distinct frames (10 fps). */
    static final long DEFAULT_FRAME_MICROS = 100_000;

    private final long firstPts;
    private final long firstSequence;
    private final long lastPts;
    private final double frameMicros;

    private StreamClock(long firstPts, long firstSequence, long lastPts, double frameMicros) {
        this.firstPts = firstPts;
        this.firstSequence = firstSequence;
        this.lastPts = lastPts;
        this.frameMicros = frameMicros;
    }

    /** The clock of the stream whose records {@code output} holds (one stream). */
    public static StreamClock of(VlstreamOutput output) {
        TreeMap<Long, Long> ptsBySequence = new TreeMap<>();
        long minStart = Long.MAX_VALUE;
        long maxEnd = Long.MIN_VALUE;
        for (AlignmentScore score : output.scores()) {
            if (score.getFrameSequence() != null) {
                ptsBySequence.put(score.getFrameSequence(), score.getStartMicros());
            }
            for (EvidenceFrame e : score.getEvidence()) {
                ptsBySequence.put(e.getFrameSequence(), e.getPtsMicros());
            }
            minStart = Math.min(minStart, score.getStartMicros());
            maxEnd = Math.max(maxEnd, score.getEndMicros());
        }
        for (GroundedCaption caption : output.captions()) {
            for (EvidenceFrame e : caption.getEvidence()) {
                ptsBySequence.put(e.getFrameSequence(), e.getPtsMicros());
            }
            for (GroundedPhrase phrase : caption.getPhrases()) {
                for (Region r : phrase.getRegions()) {
                    ptsBySequence.put(r.getFrameSequence(), r.getPtsMicros());
                }
            }
            minStart = Math.min(minStart, caption.getMomentStartMicros());
            maxEnd = Math.max(maxEnd, caption.getMomentEndMicros());
        }
        if (ptsBySequence.isEmpty()) {
            long start = minStart == Long.MAX_VALUE ? 0 : minStart;
            return new StreamClock(start, 0, Math.max(start, maxEnd), DEFAULT_FRAME_MICROS);
        }
        long firstSeq = ptsBySequence.firstKey();
        long lastSeq = ptsBySequence.lastKey();
        long first = ptsBySequence.firstEntry().getValue();
        long last = ptsBySequence.lastEntry().getValue();
        double frameMicros =
                lastSeq > firstSeq && last > first
                        ? (double) (last - first) / (lastSeq - firstSeq)
                        : DEFAULT_FRAME_MICROS;
        return new StreamClock(first, firstSeq, Math.max(last, maxEnd), frameMicros);
    }

    /** Seconds from the stream's first frame. */
    public double seconds(long ptsMicros) {
        return (ptsMicros - firstPts) / 1e6;
    }

    /** 1-based frame number of the frame shown at {@code ptsMicros}. */
    public long frameAt(long ptsMicros) {
        return Math.max(1, Math.round((ptsMicros - firstPts) / frameMicros) + 1);
    }

    /** 1-based frame number of the frame with this sequence number. */
    public long frameOf(long sequence) {
        return Math.max(1, sequence - firstSequence + 1);
    }

    public double fps() {
        return 1e6 / frameMicros;
    }

    /** Seconds from the first frame to the end of the last one. */
    public double durationSeconds() {
        return seconds(lastPts) + frameMicros / 1e6;
    }

    /** Frames from the first to the last. */
    public long frameCount() {
        return frameAt(lastPts);
    }

    public long firstPtsMicros() {
        return firstPts;
    }
}
