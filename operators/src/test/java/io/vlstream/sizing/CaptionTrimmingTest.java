package io.vlstream.sizing;

import static io.vlstream.sizing.SizingTestData.caption;
import static io.vlstream.sizing.SizingTestData.captionText;
import static io.vlstream.sizing.SizingTestData.contributions;
import static io.vlstream.sizing.SizingTestData.evidence;
import static io.vlstream.sizing.SizingTestData.frame;
import static io.vlstream.sizing.SizingTestData.image;
import static io.vlstream.sizing.SizingTestData.models;
import static io.vlstream.sizing.SizingTestData.phrases;
import static io.vlstream.sizing.SizingTestData.plainEvidence;
import static io.vlstream.sizing.SizingTestData.words;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.instruction.InstructionValidation;
import io.vlstream.serde.AvroCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link CaptionTrimming} with {@link Fitted#fit}: what a too-large caption loses, in order. */
class CaptionTrimmingTest {

    private static final int LIMIT = 1_000_000;
    private static final AvroCodec<GroundedCaption> CODEC = AvroCodec.of(GroundedCaption.class);
    private static final CaptionTrimming TRIMMING = new CaptionTrimming();

    private static int encoded(GroundedCaption caption) {
        return CODEC.encode(caption).length;
    }

    private static Fitted<GroundedCaption> fit(GroundedCaption caption, int limit) {
        return Fitted.fit(caption, TRIMMING, CaptionTrimmingTest::encoded, limit);
    }

    /** 10 frames of 150 KB (relevance 0.1 .. 1.0 with the index) and lists of a few hundred. */
    private static GroundedCaption heavyImages() {
        return caption()
                .setEvidence(evidence(10, 150_000))
                .setCaption(captionText(300))
                .setPhrases(phrases(300, 2))
                .setContributions(contributions(200, 2, "matched"))
                .setUngroundedTerms(words(300))
                .build();
    }

    @Test
    void leastRelevantFramesLoseTheirImagesFirstUntilTheCaptionFits() {
        GroundedCaption original = heavyImages();
        assertThat(encoded(original)).isGreaterThan(LIMIT);

        Fitted<GroundedCaption> fitted = fit(original, LIMIT);

        GroundedCaption trimmed = fitted.record();
        assertThat(trimmed).isNotNull();
        assertThat(encoded(trimmed)).isLessThanOrEqualTo(LIMIT).isEqualTo(fitted.bytes());
        // 1.5 MB of images: 4 of them must go (~920 KB left), and no more than that.
        assertThat(trimmed.getTrimmed()).containsExactly("evidence images: 4 of 10 removed");
        assertThat(trimmed.getEvidence())
                .extracting(frame -> frame.getImage() != null)
                .containsExactly(false, false, false, false, true, true, true, true, true, true);
        // The frames themselves stay, images apart.
        for (int i = 0; i < 10; i++) {
            EvidenceFrame before = original.getEvidence().get(i);
            EvidenceFrame after = trimmed.getEvidence().get(i);
            assertThat(EvidenceFrame.newBuilder(after).setImage(before.getImage()).build())
                    .isEqualTo(before);
        }
        assertThat(trimmed.getEvidence().get(9).getImage())
                .isEqualTo(original.getEvidence().get(9).getImage());
        assertThat(trimmed.getPhrases()).hasSize(300);
        assertThat(trimmed.getModels()).isEqualTo(original.getModels());
    }

    @Test
    void ofEquallyRelevantFramesTheLaterLosesItsImageFirst() {
        GroundedCaption original =
                caption()
                        .setEvidence(
                                List.of(
                                        frame(1, 0.5f, image(100, 1)),
                                        frame(2, 0.9f, image(100, 2)),
                                        frame(3, 0.5f, image(100, 3))))
                        .build();

        GroundedCaption step0 = TRIMMING.trim(original, 0);

        assertThat(step0.getEvidence())
                .extracting(frame -> frame.getImage() != null)
                .containsExactly(true, true, false);
        assertThat(step0.getTrimmed()).containsExactly("evidence images: 1 of 3 removed");
        assertThat(TRIMMING.trim(original, 1).getEvidence())
                .extracting(frame -> frame.getImage() != null)
                .containsExactly(false, true, false);
    }

    @Test
    void aCaptionThatFitsIsReturnedAsItIs() {
        GroundedCaption small = caption().build();

        Fitted<GroundedCaption> fitted = fit(small, LIMIT);

        assertThat(fitted.record()).isSameAs(small);
        assertThat(fitted.trimmed()).isFalse();
        assertThat(fitted.stepsTried()).isZero();
        assertThat(fitted.record().getTrimmed()).isEmpty();
    }

    @Test
    void hugeListsAreCutAndTrimmedNamesThemWithTheirSizes() {
        // No images; 8,000 contributions with 5 regions each are ~1.5 MB. 70 models: more than
        // the first cap, and still all kept.
        GroundedCaption original =
                caption()
                        .setEvidence(plainEvidence(3))
                        .setCaption(captionText(2_000))
                        .setPhrases(phrases(2_000, 100))
                        .setContributions(contributions(8_000, 5, "matched"))
                        .setUngroundedTerms(words(300))
                        .setModels(models(70))
                        .build();
        assertThat(encoded(original)).isGreaterThan(LIMIT);

        GroundedCaption trimmed = fit(original, LIMIT).record();

        assertThat(trimmed).isNotNull();
        assertThat(encoded(trimmed)).isLessThanOrEqualTo(LIMIT);
        assertThat(trimmed.getTrimmed())
                .containsExactly(
                        "lists cut to at most 64 entries (phrases 2000, phrase regions 100,"
                                + " contributions 8000, ungroundedTerms 300)");
        assertThat(trimmed.getPhrases()).hasSize(64).allMatch(p -> p.getRegions().size() == 64);
        GroundedPhrase first = original.getPhrases().get(0);
        assertThat(trimmed.getPhrases().get(0))
                .isEqualTo(
                        GroundedPhrase.newBuilder(first)
                                .setRegions(first.getRegions().subList(0, 64))
                                .build());
        assertThat(trimmed.getContributions()).hasSize(64);
        assertThat(trimmed.getUngroundedTerms())
                .isEqualTo(original.getUngroundedTerms().subList(0, 64));
        assertThat(trimmed.getEvidence()).hasSize(3);
        assertThat(trimmed.getModels()).hasSize(70).isEqualTo(original.getModels());
    }

    @Test
    void evidenceCutKeepsTheMostRelevantFramesInTheirOrder() {
        List<EvidenceFrame> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            // Relevance falls and rises again: the most relevant are at both ends.
            frames.add(frame(i, Math.abs(i - 50) / 50f, null));
        }
        GroundedCaption original = caption().setEvidence(frames).build();

        GroundedCaption step0 = TRIMMING.trim(original, 0);

        assertThat(step0.getTrimmed())
                .containsExactly("lists cut to at most 64 entries (evidence 100)");
        assertThat(step0.getEvidence()).hasSize(64);
        float weakestKept =
                (float)
                        step0.getEvidence().stream()
                                .mapToDouble(EvidenceFrame::getRelevance)
                                .min()
                                .orElseThrow();
        assertThat(original.getEvidence())
                .filteredOn(frame -> !step0.getEvidence().contains(frame))
                .allMatch(frame -> frame.getRelevance() <= weakestKept);
        assertThat(step0.getEvidence())
                .isSortedAccordingTo((a, b) -> Long.compare(a.getPtsMicros(), b.getPtsMicros()));
    }

    @Test
    void everyStepLeavesOutMoreAndSaysAllItLeftOut() {
        String longInstruction = "a person on a bicycle ".repeat(500);
        GroundedCaption original =
                caption()
                        .setInstructionText(longInstruction)
                        .setEvidence(evidence(2, 10_000))
                        .setPhrases(phrases(20, 3))
                        .setCaption(captionText(20) + "x".repeat(3_000))
                        .build();

        List<GroundedCaption> steps = new ArrayList<>();
        for (GroundedCaption step = TRIMMING.trim(original, 0);
                step != null;
                step = TRIMMING.trim(original, steps.size())) {
            steps.add(step);
        }

        // 2 image steps, caps 16, 4, 1 (no list is over 64), then the texts.
        assertThat(steps).hasSize(6);
        assertThat(steps)
                .extracting(CaptionTrimmingTest::encoded)
                .isSortedAccordingTo((a, b) -> b - a)
                .doesNotHaveDuplicates();
        assertThat(steps.get(5).getTrimmed())
                .containsExactly(
                        "evidence images: 2 of 2 removed",
                        "lists cut to at most 1 entry (phrases 20, phrase regions 3, evidence 2,"
                                + " contributions 2, contribution labels 2)",
                        "texts cut to 1000 characters");
        GroundedCaption last = steps.get(5);
        assertThat(last.getInstructionText()).hasSize(1000).endsWith("…");
        assertThat(last.getCaption()).hasSize(1000).endsWith("x…");
        assertThat(last.getPhrases()).extracting(GroundedPhrase::getText).containsExactly("p0");
        assertThat(last.getModels()).isEqualTo(original.getModels());
        // Step k is a function of the record and k only.
        assertThat(TRIMMING.trim(original, 3)).isEqualTo(steps.get(3));
    }

    @Test
    void theTextStepDropsPhrasesPastTheKeptCaption() {
        GroundedCaption original =
                caption()
                        .setCaption("x".repeat(1_500) + " a person")
                        .setPhrases(
                                List.of(
                                        new GroundedPhrase("a person", 1_501, 1_509, List.of()),
                                        new GroundedPhrase("xx", 0, 2, List.of())))
                        .setEvidence(plainEvidence(1))
                        .setContributions(contributions(1, 1, "ok"))
                        .build();

        GroundedCaption lists = TRIMMING.trim(original, 0);
        GroundedCaption texts = TRIMMING.trim(original, 1);

        assertThat(lists.getPhrases())
                .extracting(GroundedPhrase::getText)
                .containsExactly("a person");
        assertThat(texts.getTrimmed())
                .containsExactly(
                        "lists cut to at most 1 entry (phrases 2, contribution labels 2)",
                        "texts cut to 1000 characters");
        assertThat(texts.getCaption()).hasSize(1000).endsWith("x…");
        assertThat(texts.getPhrases()).isEmpty();
        assertThat(TRIMMING.trim(original, 2)).isNull();
    }

    @Test
    void aCaptionWithThirtyTwoImagesMayLoseMoreThanSixteen() {
        // 32 frames (the most an instruction may ask for) of 64 KB: 17 images must go, so a
        // fit that gave up after 16 steps would send this caption to the DLQ.
        GroundedCaption original =
                caption()
                        .setEvidence(evidence(InstructionValidation.MAX_EVIDENCE_FRAMES, 64_000))
                        .build();

        Fitted<GroundedCaption> fitted = fit(original, LIMIT);

        assertThat(fitted.fits()).isTrue();
        assertThat(fitted.stepsTried()).isEqualTo(17);
        assertThat(fitted.record().getTrimmed())
                .containsExactly("evidence images: 17 of 32 removed");
    }

    @Test
    void theInputIsNeverModified() {
        GroundedCaption original = heavyImages();
        GroundedCaption copy = GroundedCaption.newBuilder(original).build();

        for (int step = 0; TRIMMING.trim(original, step) != null; step++) {
            assertThat(original).isEqualTo(copy);
        }
        fit(original, 10_000);
        assertThat(original).isEqualTo(copy);
    }

    @Test
    void whenNothingFitsThereIsNoRecord() {
        GroundedCaption original = heavyImages();

        Fitted<GroundedCaption> fitted = fit(original, 200);

        assertThat(fitted.fits()).isFalse();
        assertThat(fitted.record()).isNull();
        assertThat(fitted.originalBytes()).isEqualTo(encoded(original));
        // Smallest reached: the last step (no images, lists of 1, short texts).
        assertThat(fitted.bytes()).isBetween(201, 5_000);
    }

    @Test
    void negativeStepsAreRefused() {
        assertThatThrownBy(() -> TRIMMING.trim(caption().build(), -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
