package io.vlstream.instruction;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryRelation;
import io.vlstream.avro.internal.QueryTerm;
import io.vlstream.avro.internal.SpatialRelation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstructionCompilerTest {

    private static final InstructionCompiler COMPILER = new InstructionCompiler();

    @Test
    void readsTheDesignExample() {
        CompiledQuery q = COMPILER.compile("people walking near a parked van");

        assertThat(q.getTerms()).hasSize(2);
        assertTerm(q.getTerms().get(0), "people", 1, null, false, "person");
        assertTerm(q.getTerms().get(1), "a parked van", 1, null, false, "car", "truck");
        assertThat(q.getTerms().get(1).getHead()).isEqualTo("van");
        assertThat(q.getRelations()).containsExactly(relation(0, SpatialRelation.NEAR, 1, "near"));
        assertThat(q.getUngroundedWords()).containsExactly("walking", "parked");
        assertThat(q.getModels()).containsExactly(COMPILER.model());
        assertThat(COMPILER.model().getRole()).isEqualTo("lexicon");
        assertThat(COMPILER.model().getId()).isEqualTo("wordnet-coco80");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            value = {
                "tell me when two people are visible | two people | 2 | - | false",
                "a car | a car | 1 | - | false",
                "one truck | one truck | 1 | - | false",
                "at least 3 cars | at least 3 cars | 3 | - | false",
                "more than 2 buses | more than 2 buses | 3 | - | false",
                "over 4 people | over 4 people | 5 | - | false",
                "exactly 2 dogs | exactly 2 dogs | 2 | 2 | false",
                "at most 2 people | at most 2 people | 0 | 2 | false",
                "fewer than 3 cars | fewer than 3 cars | 0 | 2 | false",
                "show frames with no cars | no cars | 0 | 0 | true",
                "when there isn't a bus | isn't a bus | 0 | 0 | true",
                "several bicycles | several bicycles | 2 | - | false",
                "pedestrians | pedestrians | 1 | - | false",
            })
    void readsCounts(String text, String phrase, int min, Integer max, boolean negated) {
        CompiledQuery q = COMPILER.compile(text);

        assertThat(q.getTerms()).hasSize(1);
        QueryTerm term = q.getTerms().get(0);
        assertThat(term.getPhrase()).isEqualTo(phrase);
        assertThat(term.getMinCount()).isEqualTo(min);
        assertThat(term.getMaxCount()).isEqualTo(max);
        assertThat(term.getNegated()).isEqualTo(negated);
        assertThat(q.getUngroundedWords()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "a person next to a car | NEAR | next to",
                "a dog close to a bench | NEAR | close to",
                "a man beside a bus | NEAR | beside",
                "a car to the left of a truck | LEFT_OF | to the left of",
                "a car left of a truck | LEFT_OF | left of",
                "a bike right of a car | RIGHT_OF | right of",
                "a traffic light above a car | ABOVE | above",
                "a kite over a person | ABOVE | over",
                "a cat under a chair | BELOW | under",
                "a dog beneath a table | BELOW | beneath",
            })
    void readsRelationsFromSubjectToObject(String text, SpatialRelation relation, String words) {
        CompiledQuery q = COMPILER.compile(text);

        assertThat(q.getTerms()).hasSize(2);
        assertThat(q.getRelations()).containsExactly(relation(0, relation, 1, words));
        assertThat(q.getUngroundedWords()).isEmpty();
    }

    @Test
    void compoundsAreOneTerm() {
        CompiledQuery q = COMPILER.compile("Show me a traffic light and 2 cell phones");

        assertThat(q.getTerms())
                .extracting(QueryTerm::getHead)
                .containsExactly("traffic light", "cell phones");
        assertThat(q.getTerms().get(1).getMinCount()).isEqualTo(2);
        assertThat(q.getTerms().get(1).getLabels()).containsExactly("cell phone");
    }

    @Test
    void reportsWhatItCannotGroundOrCheck() {
        CompiledQuery q =
                COMPILER.compile(
                        "someone waiting at the bus stop in front of a tree, not near a car");

        assertThat(q.getTerms()).extracting(QueryTerm::getHead).containsExactly("someone", "car");
        assertThat(q.getRelations()).isEmpty();
        assertThat(q.getUngroundedWords())
                .containsExactly("waiting", "bus stop", "in front of", "tree", "not near");
    }

    @Test
    void aRelationNeedsAGroundedTermOnBothSides() {
        CompiledQuery q = COMPILER.compile("a bicycle under a tree");

        assertThat(q.getTerms()).hasSize(1);
        assertThat(q.getRelations()).isEmpty();
        assertThat(q.getUngroundedWords()).contains("under", "tree");
    }

    @Test
    void aCountBeforeAnUngroundedNounStaysWithIt() {
        CompiledQuery q = COMPILER.compile("two trees and a car");

        assertThat(q.getTerms()).hasSize(1);
        assertThat(q.getTerms().get(0).getMinCount()).isEqualTo(1);
        assertThat(q.getUngroundedWords()).containsExactly("trees");
    }

    @Test
    void nobodyIsANegatedPerson() {
        CompiledQuery q = COMPILER.compile("nobody at the fire hydrant");

        assertTerm(q.getTerms().get(0), "nobody", 0, 0, true, "person");
    }

    @Test
    void blankOrWordlessTextGivesAnEmptyQuery() {
        for (String text : new String[] {"", "   ", "!!! ???", null}) {
            CompiledQuery q = COMPILER.compile(text);
            assertThat(q.getTerms()).isEmpty();
            assertThat(q.getRelations()).isEmpty();
            assertThat(q.getUngroundedWords()).isEmpty();
            assertThat(q.getModels()).hasSize(1);
        }
    }

    @Test
    void textWithNothingGroundableReportsEveryContentWord() {
        CompiledQuery q = COMPILER.compile("Tell me when the sky turns purple");

        assertThat(q.getTerms()).isEmpty();
        assertThat(q.getUngroundedWords()).containsExactly("sky", "turns", "purple");
    }

    @Test
    void neverThrowsOnOddText() {
        String[] texts = {
            "at least",
            "no",
            "near",
            "not",
            "2",
            "over 3",
            "a a a a",
            "to the left of",
            "people's cars' trucks",
            "1000000000000 cars",
            "ça marche — 🚗 near 🚲",
            "no one",
            "cars cars cars near near near",
        };
        for (String text : texts) {
            assertThat(COMPILER.compile(text)).as(text).isNotNull();
        }
    }

    private static void assertTerm(
            QueryTerm term,
            String phrase,
            int min,
            Integer max,
            boolean negated,
            String... labels) {
        assertThat(term.getPhrase()).isEqualTo(phrase);
        assertThat(term.getLabels()).containsExactly(labels);
        assertThat(term.getMinCount()).isEqualTo(min);
        assertThat(term.getMaxCount()).isEqualTo(max);
        assertThat(term.getNegated()).isEqualTo(negated);
    }

    private static QueryRelation relation(
            int subject, SpatialRelation relation, int object, String phrase) {
        return new QueryRelation(subject, relation, object, phrase);
    }
}
