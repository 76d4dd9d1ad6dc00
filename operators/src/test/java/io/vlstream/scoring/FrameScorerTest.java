package io.vlstream.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vlstream.avro.Box;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.Detection;
import io.vlstream.avro.Region;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryRelation;
import io.vlstream.avro.internal.QueryTerm;
import io.vlstream.avro.internal.SpatialRelation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameScorerTest {

    private final FrameScorer scorer = new FrameScorer();

    @Test
    void aSatisfiedCountScoresTheMeanOfTheBestConfidences() {
        CompiledQuery q = query(List.of(term("two people", 2, null, false, "person")));
        List<Detection> frame =
                List.of(
                        det("person", 0.9f, 0, 0, 10, 30), det("person", 0.7f, 50, 0, 60, 30),
                        det("person", 0.5f, 90, 0, 100, 30), det("car", 0.99f, 200, 0, 260, 30));

        FrameScore score = scorer.score(q, frame, 7, 700_000, 640, 480);

        assertThat(score.score()).isCloseTo(0.8f, within(1e-5f));
        TermContribution c = score.contributions().get(0);
        assertThat(c.getKind()).isEqualTo(ContributionKind.COUNT);
        assertThat(c.getSatisfied()).isTrue();
        assertThat(c.getDetail()).isEqualTo("3 person seen, ≥ 2 needed");
        assertThat(c.getRegions())
                .hasSize(3)
                .allSatisfy(
                        r -> {
                            assertThat(r.getFrameSequence()).isEqualTo(7);
                            assertThat(r.getPtsMicros()).isEqualTo(700_000);
                            assertThat(r.getLabel()).isEqualTo("person");
                        });
    }

    @Test
    void anUnsatisfiedCountScoresZero() {
        CompiledQuery q = query(List.of(term("at least 3 cars", 3, null, false, "car")));
        List<Detection> frame =
                List.of(det("car", 0.9f, 0, 0, 10, 10), det("car", 0.9f, 20, 0, 30, 10));

        FrameScore score = scorer.score(q, frame, 1, 0, 0, 0);

        assertThat(score.score()).isZero();
        assertThat(score.contributions().get(0).getSatisfied()).isFalse();
        assertThat(score.contributions().get(0).getDetail()).isEqualTo("2 car seen, ≥ 3 needed");
    }

    @Test
    void tooManyBreaksAnUpperBound() {
        CompiledQuery q = query(List.of(term("exactly 1 dog", 1, 1, false, "dog")));
        List<Detection> one = List.of(det("dog", 0.8f, 0, 0, 10, 10));
        List<Detection> two =
                List.of(det("dog", 0.8f, 0, 0, 10, 10), det("dog", 0.8f, 50, 0, 60, 10));

        assertThat(scorer.score(q, one, 1, 0, 0, 0).score()).isCloseTo(0.8f, within(1e-5f));
        assertThat(scorer.score(q, two, 1, 0, 0, 0).score()).isZero();
    }

    @Test
    void detectionsBelowTheMinimumConfidenceAreIgnored() {
        CompiledQuery q = query(List.of(term("a car", 1, null, false, "car")));
        List<Detection> weak = List.of(det("car", 0.29f, 0, 0, 10, 10));

        assertThat(scorer.score(q, weak, 1, 0, 0, 0).score()).isZero();
        assertThat(new FrameScorer(0.2f).score(q, weak, 1, 0, 0, 0).score())
                .isCloseTo(0.29f, within(1e-5f));
    }

    @Test
    void negationHoldsOnlyWhenNoneIsSeen() {
        CompiledQuery q =
                query(
                        List.of(
                                term("a person", 1, null, false, "person"),
                                term("no cars", 0, 0, true, "car")));
        Detection person = det("person", 0.81f, 0, 0, 10, 30);

        FrameScore clear = scorer.score(q, List.of(person), 1, 0, 0, 0);
        FrameScore withCar =
                scorer.score(q, List.of(person, det("car", 0.6f, 100, 0, 160, 30)), 1, 0, 0, 0);

        assertThat(clear.score()).isCloseTo(0.9f, within(1e-5f)); // sqrt(0.81 * 1)
        assertThat(clear.contributions().get(1).getDetail()).isEqualTo("no car seen");
        assertThat(withCar.score()).isZero();
        assertThat(withCar.contributions().get(1).getSatisfied()).isFalse();
        assertThat(withCar.contributions().get(1).getRegions())
                .extracting(Region::getLabel)
                .containsExactly("car");
    }

    @Test
    void nearNeedsBoxesCloseRelativeToTheirSize() {
        CompiledQuery q = pair(SpatialRelation.NEAR, "near");
        Detection person = det("person", 0.8f, 100, 100, 140, 200); // size 100
        Detection touchingTruck = det("truck", 0.8f, 140, 100, 340, 200); // size 200, gap 0
        Detection farTruck = det("truck", 0.8f, 400, 100, 600, 200); // gap 260 > 0.5 * 150

        FrameScore near = scorer.score(q, List.of(person, touchingTruck), 1, 0, 0, 0);
        FrameScore far = scorer.score(q, List.of(person, farTruck), 1, 0, 0, 0);

        TermContribution relation = near.contributions().get(2);
        assertThat(relation.getKind()).isEqualTo(ContributionKind.RELATION);
        assertThat(relation.getTerm()).isEqualTo("person near truck");
        assertThat(relation.getSatisfied()).isTrue();
        assertThat(relation.getRegions())
                .extracting(Region::getLabel)
                .containsExactly("person", "truck");
        assertThat(near.score()).isCloseTo(0.8f, within(1e-5f));
        assertThat(far.score()).isZero();
        assertThat(far.contributions().get(2).getSatisfied()).isFalse();
    }

    @Test
    void leftAndRightAreDecidedByBoxCentres() {
        Detection person = det("person", 0.9f, 0, 0, 40, 100);
        Detection truck = det("truck", 0.9f, 200, 0, 400, 100);
        List<Detection> frame = List.of(person, truck);

        assertThat(
                        scorer.score(pair(SpatialRelation.LEFT_OF, "left of"), frame, 1, 0, 0, 0)
                                .score())
                .isGreaterThan(0.5f);
        assertThat(
                        scorer.score(pair(SpatialRelation.RIGHT_OF, "right of"), frame, 1, 0, 0, 0)
                                .score())
                .isZero();
        assertThat(scorer.score(pair(SpatialRelation.BELOW, "below"), frame, 1, 0, 0, 0).score())
                .isZero();
    }

    @Test
    void aboveAndBelowUseImageCoordinatesWhereYGrowsDown() {
        Detection light = det("person", 0.9f, 100, 0, 120, 40);
        Detection car = det("truck", 0.9f, 80, 200, 200, 260);
        List<Detection> frame = List.of(light, car);

        assertThat(scorer.score(pair(SpatialRelation.ABOVE, "above"), frame, 1, 0, 0, 0).score())
                .isGreaterThan(0.5f);
        assertThat(scorer.score(pair(SpatialRelation.BELOW, "below"), frame, 1, 0, 0, 0).score())
                .isZero();
    }

    @Test
    void aRelationBetweenSameLabelTermsNeedsTwoDifferentBoxes() {
        QueryTerm person = term("a person", 1, null, false, "person");
        CompiledQuery q =
                query(
                        List.of(person, term("another person", 1, null, false, "person")),
                        List.of(new QueryRelation(0, SpatialRelation.NEAR, 1, "near")));

        assertThat(scorer.score(q, List.of(det("person", 0.9f, 0, 0, 10, 30)), 1, 0, 0, 0).score())
                .isZero();
        assertThat(
                        scorer.score(
                                        q,
                                        List.of(
                                                det("person", 0.9f, 0, 0, 10, 30),
                                                det("person", 0.9f, 12, 0, 22, 30)),
                                        1,
                                        0,
                                        0,
                                        0)
                                .score())
                .isGreaterThan(0.5f);
    }

    @Test
    void aQueryWithNoTermsScoresZeroAndSaysWhy() {
        CompiledQuery q =
                new CompiledQuery(List.of(), List.of(), List.of("sky", "purple"), List.of());

        FrameScore score = scorer.score(q, List.of(det("person", 0.9f, 0, 0, 1, 1)), 1, 0, 0, 0);

        assertThat(score.score()).isZero();
        assertThat(score.contributions())
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getKind()).isEqualTo(ContributionKind.UNKNOWN);
                            assertThat(c.getSatisfied()).isFalse();
                            assertThat(c.getDetail())
                                    .contains("could be grounded")
                                    .contains("sky, purple");
                        });
    }

    private static CompiledQuery pair(SpatialRelation relation, String words) {
        return query(
                List.of(
                        term("a person", 1, null, false, "person"),
                        term("a truck", 1, null, false, "truck")),
                List.of(new QueryRelation(0, relation, 1, words)));
    }

    static QueryTerm term(String phrase, int min, Integer max, boolean negated, String... labels) {
        String[] words = phrase.split(" ");
        return new QueryTerm(phrase, words[words.length - 1], List.of(labels), min, max, negated);
    }

    static CompiledQuery query(List<QueryTerm> terms) {
        return query(terms, List.of());
    }

    static CompiledQuery query(List<QueryTerm> terms, List<QueryRelation> relations) {
        return new CompiledQuery(
                new ArrayList<>(terms),
                new ArrayList<>(relations),
                new ArrayList<>(),
                new ArrayList<>());
    }

    static Detection det(String label, float score, float x1, float y1, float x2, float y2) {
        return new Detection(label, 0, score, new Box(x1, y1, x2, y2));
    }
}
