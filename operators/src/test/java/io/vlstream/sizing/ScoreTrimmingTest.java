package io.vlstream.sizing;

import static io.vlstream.sizing.SizingTestData.contributions;
import static io.vlstream.sizing.SizingTestData.frame;
import static io.vlstream.sizing.SizingTestData.score;
import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.TermContribution;
import io.vlstream.serde.AvroCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ScoreTrimming} with {@link Fitted#fit}: long lists first, then the texts. */
class ScoreTrimmingTest {

    private static final int LIMIT = 1_000_000;
    private static final AvroCodec<AlignmentScore> CODEC = AvroCodec.of(AlignmentScore.class);
    private static final ScoreTrimming TRIMMING = new ScoreTrimming();

    private static int encoded(AlignmentScore score) {
        return CODEC.encode(score).length;
    }

    private static Fitted<AlignmentScore> fit(AlignmentScore score) {
        return Fitted.fit(score, TRIMMING, ScoreTrimmingTest::encoded, LIMIT);
    }

    @Test
    void thousandsOfContributionsAreCutAndTheSubjectTextKept() {
        // A 600 KB subject text, and 600 KB more spread over 5,000 contributions' details.
        String subject = "the person next to the van ".repeat(22_223);
        List<TermContribution> contributions =
                contributions(5_000, 1, "matched 'person' at 0.91 ".repeat(5));
        AlignmentScore original =
                score().setSubjectText(subject).setContributions(contributions).build();
        AlignmentScore copy = AlignmentScore.newBuilder(original).build();
        assertThat(encoded(original)).isGreaterThan(1_200_000);

        Fitted<AlignmentScore> fitted = fit(original);

        AlignmentScore trimmed = fitted.record();
        assertThat(trimmed).isNotNull();
        assertThat(encoded(trimmed)).isLessThanOrEqualTo(LIMIT);
        // The list cap alone was enough: the subject text is whole.
        assertThat(trimmed.getTrimmed())
                .containsExactly("lists cut to at most 64 entries (contributions 5000)");
        assertThat(trimmed.getSubjectText()).isEqualTo(subject);
        assertThat(trimmed.getContributions()).isEqualTo(contributions.subList(0, 64));
        assertThat(trimmed.getModels()).isEqualTo(original.getModels());
        assertThat(original).isEqualTo(copy);
    }

    @Test
    void aRepeatedInstructionAsSubjectTextIsCutByTheTextStep() {
        // The real attack: 5.5 MB of instruction text, repeated.
        String subject = "a person on a bicycle, ".repeat(240_000);
        AlignmentScore original = score().setSubjectText(subject).build();
        assertThat(encoded(original)).isGreaterThan(5_500_000);

        Fitted<AlignmentScore> fitted = fit(original);

        AlignmentScore trimmed = fitted.record();
        assertThat(trimmed).isNotNull();
        assertThat(encoded(trimmed)).isLessThanOrEqualTo(LIMIT);
        // Cap 1 (the two contributions) comes first, and does not fit; then the texts.
        assertThat(fitted.stepsTried()).isEqualTo(2);
        assertThat(trimmed.getTrimmed())
                .containsExactly(
                        "lists cut to at most 1 entry (contributions 2, contribution labels 2)",
                        "texts cut to 1000 characters");
        assertThat(trimmed.getSubjectText())
                .hasSize(1000)
                .startsWith("a person on a bicycle, ")
                .endsWith("…");
        assertThat(trimmed.getStreamId()).isEqualTo(original.getStreamId());
    }

    @Test
    void longTermsAndDetailsAreCutToo() {
        String longDetail = "d".repeat(5_000);
        AlignmentScore original =
                score().setContributions(contributions(1, 1, longDetail))
                        .setUngroundedTerms(List.of())
                        .build();
        original.getContributions().get(0).setLabels(List.of("person"));

        AlignmentScore texts = TRIMMING.trim(original, 0);

        assertThat(texts.getTrimmed()).containsExactly("texts cut to 1000 characters");
        assertThat(texts.getContributions().get(0).getDetail()).hasSize(1000).endsWith("d…");
        assertThat(texts.getSubjectText()).isEqualTo(original.getSubjectText());
        assertThat(TRIMMING.trim(original, 1)).isNull();
    }

    @Test
    void evidenceCutKeepsTheMostRelevantFrames() {
        List<EvidenceFrame> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            frames.add(frame(i, i % 2 == 0 ? 0.9f : 0.1f, null));
        }
        AlignmentScore original = score().setEvidence(frames).build();

        AlignmentScore step = TRIMMING.trim(original, 0);

        assertThat(step.getTrimmed())
                .containsExactly("lists cut to at most 16 entries (evidence 20)");
        // The 10 relevant frames, then of the others the earliest.
        assertThat(step.getEvidence())
                .extracting(EvidenceFrame::getFrameSequence)
                .containsExactly(
                        0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 14L, 16L, 18L);
    }

    @Test
    void aScoreThatFitsIsReturnedAsItIs() {
        AlignmentScore small = score().build();

        assertThat(fit(small).record()).isSameAs(small);
        assertThat(small.getTrimmed()).isEmpty();
    }
}
