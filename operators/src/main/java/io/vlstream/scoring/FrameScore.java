package io.vlstream.scoring;

import io.vlstream.avro.TermContribution;
import java.util.List;

/**
 * How well one frame shows what an instruction asks for: a score in [0, 1] and its explanation.
 *
 * @param score the combined score; high only when every term and relation holds
 * @param contributions one entry per query term and relation, in query order
 */
public record FrameScore(float score, List<TermContribution> contributions) {

    public FrameScore {
        contributions = List.copyOf(contributions);
    }
}
