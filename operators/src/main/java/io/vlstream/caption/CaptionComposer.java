package io.vlstream.caption;

import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.Region;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryRelation;
import io.vlstream.avro.internal.QueryTerm;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SpatialRelation;
import io.vlstream.scoring.FrameScore;
import io.vlstream.scoring.FrameScorer;
import io.vlstream.scoring.SpatialGeometry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes an honest caption for a moment from its best evidence frame's detections: what was
 * actually seen of what the instruction asked for ("2 people next to a truck"), relation words only
 * where the boxes verify them, then what could not be verified ("(not verified: walking, parked)").
 * Every noun phrase is grounded to its regions with exact character offsets.
 *
 * <p>Uses one frame, the best-scoring one, so counts are never summed across frames. Stateless and
 * thread-safe.
 */
public final class CaptionComposer {

    /** Caption when none of the query's labels was seen in the evidence. */
    public static final String NOTHING_SEEN = "nothing the instruction asks for was seen";

    private static final Map<SpatialRelation, String> RELATION_WORDS =
            Map.of(
                    SpatialRelation.NEAR, "next to",
                    SpatialRelation.LEFT_OF, "to the left of",
                    SpatialRelation.RIGHT_OF, "to the right of",
                    SpatialRelation.ABOVE, "above",
                    SpatialRelation.BELOW, "below");

    private final FrameScorer scorer;
    private final ModelRef model = new ModelRef("captioner", "grounded-template", "1");

    /** A composer that ignores detections below the scorer's default confidence. */
    public CaptionComposer() {
        this(new FrameScorer());
    }

    /** A composer that re-checks evidence with the given scorer (and its minimum confidence). */
    public CaptionComposer(FrameScorer scorer) {
        this.scorer = scorer;
    }

    /** The captioner's lineage. */
    public ModelRef model() {
        return ModelRef.newBuilder(model).build();
    }

    /** Composes the caption for a query from a moment's evidence frames (any order). */
    public ComposedCaption compose(CompiledQuery query, List<ScoredFrame> evidence) {
        Builder out = new Builder();
        Set<String> notVerified = new LinkedHashSet<>(query.getUngroundedWords());
        ScoredFrame best =
                evidence.stream()
                        .max(
                                Comparator.comparing(ScoredFrame::getScore)
                                        .thenComparing(
                                                ScoredFrame::getSequence,
                                                Comparator.reverseOrder()))
                        .orElse(null);
        if (best == null || query.getTerms().isEmpty()) {
            for (QueryTerm term : query.getTerms()) {
                notVerified.add(term.getPhrase());
            }
        } else {
            FrameScore score =
                    scorer.score(
                            query,
                            best.getDetections(),
                            best.getSequence(),
                            best.getPtsMicros(),
                            best.getWidth(),
                            best.getHeight());
            describe(query, score.contributions(), out, notVerified);
        }
        if (out.text.length() == 0) {
            out.text.append(NOTHING_SEEN);
        }
        if (!notVerified.isEmpty()) {
            out.text.append(" (not verified: ").append(String.join(", ", notVerified)).append(')');
        }
        return new ComposedCaption(out.text.toString(), out.phrases);
    }

    private void describe(
            CompiledQuery query,
            List<TermContribution> contributions,
            Builder out,
            Set<String> notVerified) {
        List<QueryTerm> terms = query.getTerms();
        Set<Region> mentioned = new LinkedHashSet<>();
        List<Runnable> clauses = new ArrayList<>();

        for (int r = 0; r < query.getRelations().size(); r++) {
            QueryRelation relation = query.getRelations().get(r);
            TermContribution c = contributions.get(terms.size() + r);
            if (!c.getSatisfied()) {
                notVerified.add(c.getTerm());
                continue;
            }
            List<Region> subjects = new ArrayList<>();
            List<Region> objects = new ArrayList<>();
            for (Region a : contributions.get(relation.getSubject()).getRegions()) {
                for (Region b : contributions.get(relation.getObject()).getRegions()) {
                    if (!a.equals(b)
                            && SpatialGeometry.holds(
                                    relation.getRelation(), a.getBox(), b.getBox())) {
                        if (!subjects.contains(a)) {
                            subjects.add(a);
                        }
                        if (!objects.contains(b)) {
                            objects.add(b);
                        }
                    }
                }
            }
            mentioned.addAll(subjects);
            mentioned.addAll(objects);
            clauses.add(
                    () -> {
                        nounPhrase(subjects, out);
                        out.text.append(' ').append(RELATION_WORDS.get(relation.getRelation()));
                        out.text.append(' ');
                        nounPhrase(objects, out);
                    });
        }
        for (int t = 0; t < terms.size(); t++) {
            QueryTerm term = terms.get(t);
            TermContribution c = contributions.get(t);
            if (!c.getSatisfied()) {
                notVerified.add(term.getPhrase());
            }
            if (term.getNegated()) {
                if (c.getSatisfied()) {
                    clauses.add(() -> out.phrase("no " + term.getHead(), List.of()));
                }
                continue;
            }
            List<Region> rest = new ArrayList<>();
            for (Region region : c.getRegions()) {
                if (mentioned.add(region)) {
                    rest.add(region);
                }
            }
            if (!rest.isEmpty()) {
                clauses.add(() -> nounPhrase(rest, out));
            }
        }
        for (int i = 0; i < clauses.size(); i++) {
            if (i > 0) {
                out.text.append(i == clauses.size() - 1 ? " and " : ", ");
            }
            clauses.get(i).run();
        }
    }

    /** "2 cars and a truck": one grounded phrase per label. */
    private static void nounPhrase(List<Region> regions, Builder out) {
        Map<String, List<Region>> byLabel = new LinkedHashMap<>();
        for (Region region : regions) {
            byLabel.computeIfAbsent(region.getLabel(), k -> new ArrayList<>()).add(region);
        }
        int i = 0;
        for (Map.Entry<String, List<Region>> entry : byLabel.entrySet()) {
            if (i > 0) {
                out.text.append(i == byLabel.size() - 1 ? " and " : ", ");
            }
            out.phrase(
                    LabelNouns.counted(entry.getKey(), entry.getValue().size()), entry.getValue());
            i++;
        }
    }

    /** Caption text and its grounded phrases, built left to right. */
    private static final class Builder {
        final StringBuilder text = new StringBuilder();
        final List<GroundedPhrase> phrases = new ArrayList<>();

        void phrase(String words, List<Region> regions) {
            int start = text.length();
            text.append(words);
            phrases.add(
                    GroundedPhrase.newBuilder()
                            .setText(words)
                            .setCharStart(start)
                            .setCharEnd(text.length())
                            .setRegions(new ArrayList<>(regions))
                            .build());
        }
    }
}
