package io.vlstream.output;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.MomentStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a vlstream job committed to its output topics: grounded captions, alignment scores and dead
 * letters, as read back from files or from Kafka.
 */
public record VlstreamOutput(
        List<GroundedCaption> captions, List<AlignmentScore> scores, List<DeadLetter> deadLetters) {

    public VlstreamOutput {
        captions = List.copyOf(captions);
        scores = List.copyOf(scores);
        deadLetters = List.copyOf(deadLetters);
    }

    /** Every stream id that appears in a caption or a score, sorted. */
    public List<String> streamIds() {
        TreeSet<String> ids = new TreeSet<>();
        captions.forEach(c -> ids.add(c.getStreamId()));
        scores.forEach(s -> ids.add(s.getStreamId()));
        return List.copyOf(ids);
    }

    /** Only the records of one stream (dead letters of other streams and of none are dropped). */
    public VlstreamOutput forStream(String streamId) {
        return new VlstreamOutput(
                captions.stream().filter(c -> c.getStreamId().equals(streamId)).toList(),
                scores.stream().filter(s -> s.getStreamId().equals(streamId)).toList(),
                deadLetters.stream().filter(d -> streamId.equals(d.getStreamId())).toList());
    }

    /**
     * One caption per moment: a moment may be published more than once (OPEN, UPDATE, FINAL); the
     * FINAL record wins, otherwise the last one read. Sorted by stream, then moment start.
     */
    public List<GroundedCaption> moments() {
        Map<String, GroundedCaption> latest = new LinkedHashMap<>();
        for (GroundedCaption caption : captions) {
            String key =
                    caption.getStreamId()
                            + '\u0000'
                            + caption.getInstructionId()
                            + '\u0000'
                            + caption.getMomentId();
            GroundedCaption seen = latest.get(key);
            if (seen == null
                    || seen.getStatus() != MomentStatus.FINAL
                    || caption.getStatus() == MomentStatus.FINAL) {
                latest.put(key, caption);
            }
        }
        List<GroundedCaption> moments = new ArrayList<>(latest.values());
        moments.sort(
                Comparator.comparing(GroundedCaption::getStreamId)
                        .thenComparingLong(GroundedCaption::getMomentStartMicros)
                        .thenComparing(GroundedCaption::getInstructionId));
        return moments;
    }

    public boolean isEmpty() {
        return captions.isEmpty() && scores.isEmpty() && deadLetters.isEmpty();
    }
}
