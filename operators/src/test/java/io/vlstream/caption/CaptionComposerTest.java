package io.vlstream.caption;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.Region;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.instruction.InstructionCompiler;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaptionComposerTest {

    private static final InstructionCompiler COMPILER = new InstructionCompiler();
    private final CaptionComposer composer = new CaptionComposer();

    @Test
    void describesWhatTheBestFrameShowsAndWhatItCannotVerify() {
        CompiledQuery q = COMPILER.compile("people walking near a parked van");
        ScoredFrame weak = frame(3, 0.2f, det("person", 0.9f, 100, 100, 140, 200));
        ScoredFrame best =
                frame(
                        4,
                        0.8f,
                        det("person", 0.9f, 100, 100, 140, 200),
                        det("person", 0.8f, 60, 100, 98, 200),
                        det("truck", 0.85f, 145, 80, 345, 200),
                        det("dog", 0.9f, 0, 0, 10, 10));

        ComposedCaption caption = composer.compose(q, List.of(weak, best));

        assertThat(caption.text())
                .isEqualTo("2 people next to a truck (not verified: walking, parked)");
        assertOffsets(caption);
        assertThat(caption.phrases())
                .extracting(GroundedPhrase::getText)
                .containsExactly("2 people", "a truck");
        assertThat(caption.phrases().get(0).getRegions())
                .hasSize(2)
                .allSatisfy(
                        r -> {
                            assertThat(r.getLabel()).isEqualTo("person");
                            assertThat(r.getFrameSequence()).isEqualTo(4);
                            assertThat(r.getPtsMicros()).isEqualTo(400_000);
                        });
        assertThat(caption.phrases().get(1).getRegions())
                .extracting(Region::getScore)
                .containsExactly(0.85f);
    }

    @Test
    void neverClaimsARelationTheBoxesDoNotShow() {
        CompiledQuery q = COMPILER.compile("two people next to a car");
        ScoredFrame apart =
                frame(
                        9,
                        0.1f,
                        det("person", 0.9f, 0, 0, 20, 60),
                        det("car", 0.9f, 500, 0, 600, 60));

        ComposedCaption caption = composer.compose(q, List.of(apart));

        assertThat(caption.text())
                .isEqualTo("a person and a car (not verified: people next to car, two people)");
        assertThat(caption.text()).doesNotContain("next to a");
        assertOffsets(caption);
    }

    @Test
    void groupsAHypernymTermByLabelWithCorrectPlurals() {
        CompiledQuery q = COMPILER.compile("vehicles");
        ScoredFrame f =
                frame(
                        1,
                        0.9f,
                        det("bus", 0.9f, 0, 0, 10, 10),
                        det("bus", 0.8f, 20, 0, 30, 10),
                        det("car", 0.7f, 40, 0, 50, 10));

        ComposedCaption caption = composer.compose(q, List.of(f));

        assertThat(caption.text()).isEqualTo("2 buses and a car");
        assertThat(caption.phrases())
                .extracting(GroundedPhrase::getText)
                .containsExactly("2 buses", "a car");
        assertOffsets(caption);
    }

    @Test
    void saysSoWhenNothingWasSeen() {
        CompiledQuery q = COMPILER.compile("an umbrella near a bench");

        ComposedCaption empty = composer.compose(q, List.of());
        ComposedCaption none =
                composer.compose(q, List.of(frame(1, 0f, det("dog", 0.9f, 0, 0, 1, 1))));

        assertThat(empty.text())
                .isEqualTo(CaptionComposer.NOTHING_SEEN + " (not verified: an umbrella, a bench)");
        assertThat(empty.phrases()).isEmpty();
        assertThat(none.text()).startsWith(CaptionComposer.NOTHING_SEEN).contains("an umbrella");
        assertThat(none.phrases()).isEmpty();
    }

    @Test
    void aVerifiedAbsenceIsStated() {
        CompiledQuery q = COMPILER.compile("a person and no cars");
        ComposedCaption caption =
                composer.compose(q, List.of(frame(2, 0.9f, det("person", 0.9f, 0, 0, 10, 30))));

        assertThat(caption.text()).isEqualTo("a person and no cars");
        assertOffsets(caption);
    }

    @Test
    void pluralsAndArticles() {
        assertThat(LabelNouns.counted("person", 1)).isEqualTo("a person");
        assertThat(LabelNouns.counted("person", 3)).isEqualTo("3 people");
        assertThat(LabelNouns.counted("umbrella", 1)).isEqualTo("an umbrella");
        assertThat(LabelNouns.counted("wine glass", 2)).isEqualTo("2 wine glasses");
        assertThat(LabelNouns.counted("knife", 2)).isEqualTo("2 knives");
        assertThat(LabelNouns.counted("sheep", 4)).isEqualTo("4 sheep");
        assertThat(LabelNouns.counted("skis", 1)).isEqualTo("a pair of skis");
        assertThat(LabelNouns.counted("tv", 1)).isEqualTo("a TV");
    }

    @Test
    void namesItsModel() {
        assertThat(composer.model().getRole()).isEqualTo("captioner");
        assertThat(composer.model().getId()).isEqualTo("grounded-template");
    }

    private static void assertOffsets(ComposedCaption caption) {
        for (GroundedPhrase phrase : caption.phrases()) {
            assertThat(caption.text().substring(phrase.getCharStart(), phrase.getCharEnd()))
                    .isEqualTo(phrase.getText());
        }
    }

    private static ScoredFrame frame(long sequence, float score, Detection... detections) {
        return ScoredFrame.newBuilder()
                .setStreamId("s")
                .setInstructionId("i")
                .setInstructionText("t")
                .setSequence(sequence)
                .setPtsMicros(sequence * 100_000)
                .setWidth(768)
                .setHeight(576)
                .setMediaType("image/jpeg")
                .setScore(score)
                .setThreshold(0.5f)
                .setMaxEvidenceFrames(3)
                .setContributions(new ArrayList<>())
                .setDetections(new ArrayList<>(List.of(detections)))
                .setUngroundedTerms(new ArrayList<>())
                .setModels(new ArrayList<>())
                .setReceivedAtMicros(0)
                .build();
    }

    private static Detection det(
            String label, float score, float x1, float y1, float x2, float y2) {
        return new Detection(label, 0, score, new Box(x1, y1, x2, y2));
    }
}
