package io.vlstream.scoring;

import io.vlstream.avro.Box;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.Detection;
import io.vlstream.avro.Region;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryRelation;
import io.vlstream.avro.internal.QueryTerm;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Scores one frame's detections against a compiled instruction, explaining every part.
 *
 * <p>Every term and relation must hold (AND). A term scores the mean confidence of its best {@code
 * minCount} matching detections, or 0 when the count constraint fails; a term that asks for none
 * ("no cars", "at most 2") scores 1 when it holds. A relation scores the best pair of boxes that
 * satisfies it: geometric fit ({@link SpatialGeometry}) times the geometric mean of the two
 * confidences. The frame's score is the equally weighted geometric mean of all parts, so one
 * missing part makes it 0. Detections below the minimum confidence are ignored. Stateless and
 * thread-safe.
 */
public final class FrameScorer {

    /** Detections below this confidence are ignored unless another minimum is given. */
    public static final float DEFAULT_MIN_CONFIDENCE = 0.3f;

    private final float minConfidence;

    /** A scorer that ignores detections below {@value #DEFAULT_MIN_CONFIDENCE}. */
    public FrameScorer() {
        this(DEFAULT_MIN_CONFIDENCE);
    }

    /** A scorer that ignores detections below {@code minConfidence} (in [0, 1]). */
    public FrameScorer(float minConfidence) {
        if (!(minConfidence >= 0 && minConfidence <= 1)) {
            throw new IllegalArgumentException(
                    "minConfidence must be in [0, 1], was " + minConfidence);
        }
        this.minConfidence = minConfidence;
    }

    /** The confidence below which detections are ignored. */
    public float minConfidence() {
        return minConfidence;
    }

    /**
     * Scores one frame.
     *
     * @param detections the frame's detections, boxes in image pixels
     * @param width frame width in pixels, used to clip boxes (0 if unknown)
     * @param height frame height in pixels, used to clip boxes (0 if unknown)
     */
    public FrameScore score(
            CompiledQuery query,
            List<Detection> detections,
            long frameSequence,
            long ptsMicros,
            int width,
            int height) {
        List<QueryTerm> terms = query.getTerms();
        if (terms.isEmpty()) {
            String detail =
                    query.getUngroundedWords().isEmpty()
                            ? "the instruction names nothing the detector can see"
                            : "nothing in the instruction could be grounded to detector labels"
                                    + " (ungrounded: "
                                    + String.join(", ", query.getUngroundedWords())
                                    + ")";
            TermContribution none =
                    contribution(
                            String.join(" ", query.getUngroundedWords()),
                            ContributionKind.UNKNOWN,
                            List.of(),
                            List.of(),
                            1f,
                            0f,
                            false,
                            detail);
            return new FrameScore(0f, List.of(none));
        }
        List<Detection> usable = new ArrayList<>();
        for (Detection detection : detections) {
            if (detection.getScore() >= minConfidence) {
                usable.add(clip(detection, width, height));
            }
        }
        usable.sort(Comparator.comparing(Detection::getScore).reversed());

        int parts = terms.size() + query.getRelations().size();
        float weight = 1f / parts;
        List<TermContribution> contributions = new ArrayList<>();
        double logSum = 0;
        boolean zero = false;
        for (QueryTerm term : terms) {
            TermContribution c =
                    scoreTerm(term, matching(term, usable), weight, frameSequence, ptsMicros);
            contributions.add(c);
            zero |= c.getScore() <= 0;
            logSum += c.getScore() > 0 ? Math.log(c.getScore()) : 0;
        }
        for (QueryRelation relation : query.getRelations()) {
            TermContribution c =
                    scoreRelation(query, relation, usable, weight, frameSequence, ptsMicros);
            contributions.add(c);
            zero |= c.getScore() <= 0;
            logSum += c.getScore() > 0 ? Math.log(c.getScore()) : 0;
        }
        float score = zero ? 0f : (float) Math.exp(logSum / parts);
        return new FrameScore(Math.max(0f, Math.min(1f, score)), contributions);
    }

    private static List<Detection> matching(QueryTerm term, List<Detection> usable) {
        Set<String> labels = new HashSet<>(term.getLabels());
        List<Detection> result = new ArrayList<>();
        for (Detection detection : usable) {
            if (labels.contains(detection.getLabel())) {
                result.add(detection);
            }
        }
        return result;
    }

    private static TermContribution scoreTerm(
            QueryTerm term, List<Detection> matches, float weight, long sequence, long pts) {
        int seen = matches.size();
        int min = term.getNegated() ? 0 : Math.max(0, term.getMinCount());
        Integer max = term.getNegated() ? Integer.valueOf(0) : term.getMaxCount();
        boolean satisfied = seen >= min && (max == null || seen <= max);
        float score;
        if (!satisfied) {
            score = 0f;
        } else if (min == 0) {
            score = 1f;
        } else {
            double sum = 0;
            for (int i = 0; i < min; i++) {
                sum += matches.get(i).getScore();
            }
            score = (float) (sum / min);
        }
        boolean isCount = term.getNegated() || min > 1 || max != null;
        List<Region> regions = new ArrayList<>();
        for (Detection detection : matches) {
            regions.add(region(detection, sequence, pts));
        }
        return contribution(
                term.getPhrase(),
                isCount ? ContributionKind.COUNT : ContributionKind.OBJECT,
                term.getLabels(),
                regions,
                weight,
                score,
                satisfied,
                countDetail(term, seen, min, max));
    }

    private static String countDetail(QueryTerm term, int seen, int min, Integer max) {
        String labels = String.join("/", term.getLabels());
        if (max != null && max == 0) {
            return seen == 0
                    ? "no " + labels + " seen"
                    : seen + " " + labels + " seen, none wanted";
        }
        String wanted;
        if (max == null) {
            wanted = "≥ " + min + " needed";
        } else if (max == min) {
            wanted = "exactly " + min + " needed";
        } else if (min == 0) {
            wanted = "≤ " + max + " allowed";
        } else {
            wanted = min + " to " + max + " needed";
        }
        return seen + " " + labels + " seen, " + wanted;
    }

    private static TermContribution scoreRelation(
            CompiledQuery query,
            QueryRelation relation,
            List<Detection> usable,
            float weight,
            long sequence,
            long pts) {
        List<QueryTerm> terms = query.getTerms();
        QueryTerm subject = terms.get(relation.getSubject());
        QueryTerm object = terms.get(relation.getObject());
        String name = subject.getHead() + " " + relation.getPhrase() + " " + object.getHead();
        Set<String> labels = new LinkedHashSet<>(subject.getLabels());
        labels.addAll(object.getLabels());
        List<Detection> subjects = matching(subject, usable);
        List<Detection> objects = matching(object, usable);

        Detection bestA = null;
        Detection bestB = null;
        double bestScore = 0;
        double bestFit = -1;
        Detection nearestA = null;
        Detection nearestB = null;
        for (Detection a : subjects) {
            for (Detection b : objects) {
                if (a == b) {
                    continue;
                }
                double fit = SpatialGeometry.fit(relation.getRelation(), a.getBox(), b.getBox());
                if (fit > bestFit) {
                    bestFit = fit;
                    nearestA = a;
                    nearestB = b;
                }
                if (!SpatialGeometry.holds(relation.getRelation(), a.getBox(), b.getBox())) {
                    continue;
                }
                double pair = fit * Math.sqrt((double) a.getScore() * b.getScore());
                if (pair > bestScore || bestA == null) {
                    bestScore = pair;
                    bestA = a;
                    bestB = b;
                }
            }
        }
        String words = relation.getRelation().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        boolean satisfied = bestA != null;
        String detail;
        List<Region> regions = new ArrayList<>();
        if (satisfied) {
            regions.add(region(bestA, sequence, pts));
            regions.add(region(bestB, sequence, pts));
            detail =
                    bestA.getLabel()
                            + " "
                            + words
                            + " "
                            + bestB.getLabel()
                            + String.format(
                                    " (fit %.2f)",
                                    SpatialGeometry.fit(
                                            relation.getRelation(),
                                            bestA.getBox(),
                                            bestB.getBox()));
        } else if (subjects.isEmpty() || objects.isEmpty()) {
            detail =
                    "no "
                            + String.join(
                                    "/",
                                    subjects.isEmpty() ? subject.getLabels() : object.getLabels())
                            + " seen";
        } else if (nearestA == null) {
            detail = "no distinct pair of boxes to relate";
        } else {
            regions.add(region(nearestA, sequence, pts));
            regions.add(region(nearestB, sequence, pts));
            detail =
                    "no "
                            + String.join("/", subject.getLabels())
                            + " "
                            + words
                            + " a "
                            + String.join("/", object.getLabels())
                            + " among "
                            + subjects.size()
                            + " × "
                            + objects.size()
                            + " pairs";
        }
        return contribution(
                name,
                ContributionKind.RELATION,
                new ArrayList<>(labels),
                regions,
                weight,
                satisfied ? (float) Math.max(1e-6, Math.min(1, bestScore)) : 0f,
                satisfied,
                detail);
    }

    private static Detection clip(Detection detection, int width, int height) {
        if (width <= 0 || height <= 0) {
            return detection;
        }
        Box box = detection.getBox();
        Box clipped =
                new Box(
                        Math.max(0, Math.min(width, box.getX1())),
                        Math.max(0, Math.min(height, box.getY1())),
                        Math.max(0, Math.min(width, box.getX2())),
                        Math.max(0, Math.min(height, box.getY2())));
        if (clipped.equals(box)) {
            return detection;
        }
        return new Detection(
                detection.getLabel(), detection.getClassId(), detection.getScore(), clipped);
    }

    private static Region region(Detection detection, long sequence, long pts) {
        return new Region(
                sequence, pts, detection.getLabel(), detection.getScore(), detection.getBox());
    }

    private static TermContribution contribution(
            String term,
            ContributionKind kind,
            List<String> labels,
            List<Region> regions,
            float weight,
            float score,
            boolean satisfied,
            String detail) {
        return TermContribution.newBuilder()
                .setTerm(term)
                .setKind(kind)
                .setLabels(new ArrayList<>(labels))
                .setRegions(regions)
                .setWeight(weight)
                .setScore(score)
                .setSatisfied(satisfied)
                .setDetail(detail)
                .build();
    }
}
