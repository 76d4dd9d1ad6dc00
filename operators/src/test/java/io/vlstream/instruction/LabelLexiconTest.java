package io.vlstream.instruction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LabelLexiconTest {

    private final LabelLexicon lexicon = LabelLexicon.coco();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "person | person",
                "people | person",
                "persons | person",
                "pedestrian | person",
                "pedestrians | person",
                "someone | person",
                "man | person",
                "women | person",
                "children | person",
                "car | car",
                "automobile | car",
                "auto | car",
                "sedan | car",
                "cars | car",
                "van | car,truck",
                "truck | truck",
                "bus | bus",
                "buses | bus",
                "bicycle | bicycle",
                "bike | bicycle,motorcycle",
                "dog | dog",
                "dogs | dog",
                "traffic light | traffic light",
                "traffic lights | traffic light",
                "fire hydrant | fire hydrant",
                "cell phone | cell phone",
                "stop signs | stop sign",
                "mouse | mouse",
                "tie | tie",
                "television | tv",
                "TV | tv",
                "sofa | couch",
                "plane | airplane",
            })
    void groundsWordsToLabels(String word, String labels) {
        assertThat(lexicon.labelsFor(word)).containsExactly(labels.split(","));
    }

    @Test
    void vehicleCoversRoadVehiclesIncludingTheSupplementedBusAndTrain() {
        assertThat(lexicon.labelsFor("vehicle"))
                .contains(
                        "car", "bus", "truck", "motorcycle", "bicycle", "train", "airplane", "boat")
                .doesNotContain("person", "dog");
        assertThat(lexicon.labelsFor("vehicles")).isEqualTo(lexicon.labelsFor("vehicle"));
    }

    @Test
    void animalCoversTheAnimalLabelsButNotPeople() {
        assertThat(lexicon.labelsFor("animal"))
                .containsExactly(
                        "bird",
                        "cat",
                        "dog",
                        "horse",
                        "sheep",
                        "cow",
                        "elephant",
                        "bear",
                        "zebra",
                        "giraffe");
    }

    @Test
    void rareSensesDoNotLeakIntoPerson() {
        for (String word : List.of("dog", "cat", "bird", "mouse", "grass", "light", "bear")) {
            assertThat(lexicon.labelsFor(word)).as(word).doesNotContain("person");
        }
    }

    @Test
    void overGeneralAndUnknownWordsGroundToNothing() {
        for (String word :
                List.of(
                        "thing",
                        "things",
                        "object",
                        "entity",
                        "artifact",
                        "tree",
                        "walking",
                        "parked",
                        "road",
                        "",
                        "   ",
                        "xyzzy")) {
            assertThat(lexicon.labelsFor(word)).as(word).isEmpty();
        }
        assertThat(lexicon.labelsFor(null)).isEmpty();
    }

    @Test
    void tellsCompoundNounsFromWordSequences() {
        assertThat(lexicon.isNoun("bus stop")).isTrue();
        assertThat(lexicon.labelsFor("bus stop")).isEmpty();
        assertThat(lexicon.isNoun("people walking")).isFalse();
    }

    @Test
    void isSafeToShareAcrossThreads() throws Exception {
        List<String> words = List.of("vehicle", "pedestrians", "bike", "animal", "van", "cups");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String word = words.get(i % words.size()) + (i % 2 == 0 ? "" : " ");
                results.add(pool.submit(() -> LabelLexicon.coco().labelsFor(word)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get())
                        .isEqualTo(lexicon.labelsFor(words.get(i % words.size())))
                        .isNotEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
