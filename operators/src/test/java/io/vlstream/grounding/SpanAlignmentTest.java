package io.vlstream.grounding;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.Verdict;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.scoring.FrameScorer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A timed text is scored against the frames of its span, and only those. */
class SpanAlignmentTest {

    private static InstructionCompiler compiler;
    private final SpanAlignment alignment = new SpanAlignment(new FrameScorer(0.3f));

    @BeforeAll
    static void loadLexicon() {
        compiler = new InstructionCompiler();
    }

    private static FrameAnalysis frame(long ptsMicros, Detection... detections) {
        return FrameAnalysis.newBuilder()
                .setStreamId("cam")
                .setSequence(ptsMicros / 100_000)
                .setPtsMicros(ptsMicros)
                .setWidth(640)
                .setHeight(480)
                .setMediaType("image/jpeg")
                .setImage(ByteBuffer.allocate(0))
                .setDetections(List.of(detections))
                .setModels(List.of(new ModelRef("detector", "d", "1")))
                .setSource(new SourceRef("frames", 0, ptsMicros))
                .setReceivedAtMicros(0)
                .setModelLatencyMicros(0)
                .build();
    }

    private static Detection dog(float score) {
        return new Detection("dog", 16, score, new Box(10f, 10f, 100f, 100f));
    }

    private static TimedText text(long start, long end, String words) {
        return new TimedText("cam", "t1", start, end, words, "label");
    }

    @Test
    void theSpansBestFrameGivesTheScoreAndFramesOutsideItDoNotCount() {
        List<FrameAnalysis> frames = new ArrayList<>();
        frames.add(frame(0, dog(0.95f)));
        frames.add(frame(1_000_000, dog(0.6f)));
        frames.add(frame(1_100_000, dog(0.8f)));
        frames.add(frame(1_200_000));
        frames.add(frame(5_000_000, dog(0.99f)));

        AlignmentScore score =
                alignment.align(
                        text(1_000_000, 2_000_000, "a dog"), compiler.compile("a dog"), frames, 42);

        assertThat(score.getSubjectKind()).isEqualTo(SubjectKind.TIMED_TEXT);
        assertThat(score.getScore()).isCloseTo(0.8f, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(score.getEvidence())
                .extracting(EvidenceFrame::getPtsMicros)
                .containsExactly(1_100_000L, 1_000_000L, 1_200_000L);
        assertThat(score.getModels()).extracting(ModelRef::getRole).contains("detector", "lexicon");
        assertThat(score.getEmittedAtMicros()).isEqualTo(42);
    }

    @Test
    void aSpanWithoutFramesScoresZeroAndSaysWhy() {
        AlignmentScore score =
                alignment.align(
                        text(1_000_000, 2_000_000, "a dog"),
                        compiler.compile("a dog"),
                        List.of(frame(0, dog(0.9f))),
                        0);

        assertThat(score.getScore()).isZero();
        assertThat(score.getEvidence()).isEmpty();
        assertThat(score.getContributions())
                .singleElement()
                .satisfies(c -> assertThat(c.getDetail()).contains("no analyzed frames"));
    }

    @Test
    void wordsTheModelCannotGroundAreReported() {
        AlignmentScore score =
                alignment.align(
                        text(0, 1_000_000, "a dog sleeping under a tree"),
                        compiler.compile("a dog sleeping under a tree"),
                        List.of(frame(0, dog(0.9f))),
                        0);

        assertThat(score.getUngroundedTerms()).contains("sleeping", "tree");
    }

    @Test
    void verdictsSupportedContradictedOrCannotTellWithScoreAndEvidence() {
        List<FrameAnalysis> dogs = List.of(frame(0), frame(100_000, dog(0.8f)), frame(200_000));
        List<FrameAnalysis> empty = List.of(frame(0), frame(100_000), frame(200_000));
        List<FrameAnalysis> weak = List.of(frame(0), frame(100_000, dog(0.3f)), frame(200_000));
        TimedText label = text(0, 300_000, "a dog");

        AlignmentScore supported = alignment.align(label, compiler.compile("a dog"), dogs, 1);
        assertThat(supported.getVerdict()).isEqualTo(Verdict.SUPPORTED);
        assertThat(supported.getScore()).isEqualTo(0.8f);
        assertThat(supported.getEvidence().get(0).getFrameSequence()).isEqualTo(1);
        assertThat(supported.getContributions()).isNotEmpty();

        AlignmentScore contradicted = alignment.align(label, compiler.compile("a dog"), empty, 1);
        assertThat(contradicted.getVerdict()).isEqualTo(Verdict.CONTRADICTED);
        assertThat(contradicted.getScore()).isZero();
        assertThat(contradicted.getEvidence()).hasSize(3);
        assertThat(contradicted.getContributions().get(0).getDetail()).contains("0 dog seen");

        // A low-confidence dog (0.3: between half the threshold and the threshold).
        assertThat(alignment.align(label, compiler.compile("a dog"), weak, 1).getVerdict())
                .isEqualTo(Verdict.CANNOT_TELL);
        // One empty frame is too little to contradict anything.
        assertThat(
                        alignment
                                .align(label, compiler.compile("a dog"), List.of(frame(0)), 1)
                                .getVerdict())
                .isEqualTo(Verdict.CANNOT_TELL);
        // Nothing the detector could see.
        assertThat(alignment.align(label, compiler.compile("happiness"), dogs, 1).getVerdict())
                .isEqualTo(Verdict.CANNOT_TELL);
    }
}
