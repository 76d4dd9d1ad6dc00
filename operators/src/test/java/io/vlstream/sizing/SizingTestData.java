package io.vlstream.sizing;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.Box;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.Region;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Captions and scores of chosen sizes for the sizing tests. */
final class SizingTestData {

    static final String STREAM = "cam-7";

    private SizingTestData() {}

    /** {@code size} random bytes (incompressible, like an encoded image). */
    static ByteBuffer image(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** Frame {@code i} at pts {@code i} ms, with the given relevance and image (or none). */
    static EvidenceFrame frame(int i, float relevance, ByteBuffer image) {
        return EvidenceFrame.newBuilder()
                .setFrameSequence(i)
                .setPtsMicros(i * 1_000L)
                .setRelevance(relevance)
                .setWidth(640)
                .setHeight(480)
                .setMediaType(image == null ? null : "image/jpeg")
                .setImage(image)
                .build();
    }

    /** {@code count} frames whose relevance rises with their index, each with an image. */
    static List<EvidenceFrame> evidence(int count, int imageBytes) {
        List<EvidenceFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(frame(i, (i + 1) / (float) count, image(imageBytes, i)));
        }
        return frames;
    }

    /** {@code count} frames like {@link #evidence}, without images. */
    static List<EvidenceFrame> plainEvidence(int count) {
        List<EvidenceFrame> frames = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            frames.add(frame(i, (i + 1) / (float) count, null));
        }
        return frames;
    }

    static Region region(int i) {
        return new Region((long) i, i * 1_000L, "person", 0.9f, new Box(1f, 2f, 30f, 40f));
    }

    static List<Region> regions(int count) {
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            regions.add(region(i));
        }
        return regions;
    }

    /** {@code count} phrases "p0 ", "p1 ", ... each at its place in {@link #captionText}. */
    static List<GroundedPhrase> phrases(int count, int regionsEach) {
        List<GroundedPhrase> phrases = new ArrayList<>();
        int at = 0;
        for (int i = 0; i < count; i++) {
            String text = "p" + i;
            phrases.add(new GroundedPhrase(text, at, at + text.length(), regions(regionsEach)));
            at += text.length() + 1;
        }
        return phrases;
    }

    /** The caption text the {@link #phrases} point into. */
    static String captionText(int phrases) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < phrases; i++) {
            text.append('p').append(i).append(' ');
        }
        return text.toString();
    }

    static List<TermContribution> contributions(int count, int regionsEach, String detail) {
        List<TermContribution> contributions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            contributions.add(
                    TermContribution.newBuilder()
                            .setTerm("term " + i)
                            .setKind(ContributionKind.OBJECT)
                            .setLabels(List.of("person", "bicycle"))
                            .setRegions(regions(regionsEach))
                            .setWeight(1f)
                            .setScore(0.5f)
                            .setSatisfied(true)
                            .setDetail(detail)
                            .build());
        }
        return contributions;
    }

    static List<String> words(int count) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            words.add("word" + i);
        }
        return words;
    }

    static List<ModelRef> models(int count) {
        List<ModelRef> models = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            models.add(new ModelRef("detector", "model-" + i, "1." + i));
        }
        return models;
    }

    /** A caption with everything set and small lists; tests set the parts they are about. */
    static GroundedCaption.Builder caption() {
        return GroundedCaption.newBuilder()
                .setStreamId(STREAM)
                .setInstructionId("ins-1")
                .setInstructionText("a person on a bicycle")
                .setMomentId("m-1")
                .setStatus(MomentStatus.FINAL)
                .setMomentStartMicros(0)
                .setMomentEndMicros(10_000_000)
                .setFrameCount(250)
                .setCaption(captionText(3))
                .setPhrases(phrases(3, 1))
                .setEvidence(evidence(3, 1_000))
                .setAlignmentScore(0.8f)
                .setContributions(contributions(2, 1, "ok"))
                .setUngroundedTerms(List.of("on"))
                .setModels(models(3))
                .setEmittedAtMicros(11_000_000)
                .setProcessingLatencyMicros(50_000);
    }

    /** A score with everything set and small lists; tests set the parts they are about. */
    static AlignmentScore.Builder score() {
        return AlignmentScore.newBuilder()
                .setStreamId(STREAM)
                .setSubjectKind(SubjectKind.INSTRUCTION)
                .setSubjectId("ins-1")
                .setSubjectText("a person on a bicycle")
                .setStartMicros(0)
                .setEndMicros(40_000)
                .setFrameSequence(7L)
                .setScore(0.7f)
                .setContributions(contributions(2, 1, null))
                .setEvidence(List.of(frame(7, 0.7f, null)))
                .setUngroundedTerms(List.of("on"))
                .setModels(models(2))
                .setEmittedAtMicros(50_000);
    }
}
