package io.vlstream.export;

import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.Region;
import io.vlstream.output.VlstreamOutput;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Choosing the moments to export, and the distinct grounded regions of a moment's frames. */
public final class Moments {

    private Moments() {}

    /**
     * The output's moments (one caption each); with {@code lowConfidenceBelow} set, only those
     * whose alignment score is below it, for human review first.
     */
    public static List<GroundedCaption> select(VlstreamOutput output, Float lowConfidenceBelow) {
        return output.moments().stream()
                .filter(
                        m ->
                                lowConfidenceBelow == null
                                        || m.getAlignmentScore() < lowConfidenceBelow)
                .toList();
    }

    /** The regions of the moment's phrases found in frame {@code sequence}, once each. */
    public static List<Region> regionsOn(GroundedCaption moment, long sequence) {
        List<Region> regions = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (GroundedPhrase phrase : moment.getPhrases()) {
            for (Region r : phrase.getRegions()) {
                if (r.getFrameSequence() == sequence
                        && seen.add(
                                String.format(
                                        Locale.ROOT,
                                        "%s %.2f %.2f %.2f %.2f",
                                        r.getLabel(),
                                        r.getBox().getX1(),
                                        r.getBox().getY1(),
                                        r.getBox().getX2(),
                                        r.getBox().getY2()))) {
                    regions.add(r);
                }
            }
        }
        return regions;
    }

    /** {@code value} rounded to 4 decimals, to keep the JSON readable. */
    static double round(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }
}
