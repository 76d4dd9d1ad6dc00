package io.vlstream.output;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.Detection;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.GroundedPhrase;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.Region;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.Verdict;
import io.vlstream.avro.VideoFrame;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.media.VideoFileFrames;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.builtin.BuiltinModels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * Output records made from real data for the report and export tests: the first 120 frames of
 * vtest.avi (real JPEGs), run through the real built-in detector (real boxes), scored against
 * "people walking near a parked van" (person and vehicle confidences), with moments where the score
 * passes 0.5 (a dip of one scored frame does not end one), three evidence frames each (with their
 * images), phrases grounded to the detected boxes, two timed-text scores and one dead letter. Built
 * once per test JVM (about 10 s).
 */
public final class RealVtestOutput {

    public static final String STREAM = "vtest";
    public static final String INSTRUCTION = "people walking near a parked van";
    public static final float THRESHOLD = 0.5f;
    static final long BASE = 1_700_000_000_000_000L;
    static final int FRAMES = 120;
    static final int SCORE_EVERY = 3;
    private static final Set<String> VEHICLES = Set.of("car", "truck", "bus");

    private static VlstreamOutput cached;

    private RealVtestOutput() {}

    public static synchronized VlstreamOutput get() {
        if (cached == null) {
            try {
                cached = build();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cached;
    }

    private static VlstreamOutput build() throws IOException {
        List<VideoFrame> frames;
        try (VideoFileFrames video =
                VideoFileFrames.builder()
                        .setFile(SampleMedia.vtestAvi())
                        .withStreamId(STREAM)
                        .withMaxFrames(FRAMES)
                        .withPtsBaseMicros(BASE)
                        .open()) {
            frames = video.stream().collect(Collectors.toList());
        }
        List<AlignmentScore> scores = new ArrayList<>();
        TreeMap<Long, Scored> scored = new TreeMap<>();
        ModelRef detectorRef;
        try (ObjectDetector detector = BuiltinModels.cocoCenterNet()) {
            detectorRef = detector.model();
            for (int i = 0; i < frames.size(); i += SCORE_EVERY) {
                VideoFrame frame = frames.get(i);
                List<Detection> found = detector.detect(decode(frame));
                Scored s = score(frame, found);
                scored.put(frame.getSequence(), s);
            }
        }
        List<ModelRef> models =
                List.of(
                        detectorRef,
                        new ModelRef("lexicon", "wordnet-3.1", "test-fixture"),
                        new ModelRef("captioner", "test-fixture-composer", "1"));
        for (Scored s : scored.values()) {
            scores.add(
                    AlignmentScore.newBuilder()
                            .setStreamId(STREAM)
                            .setSubjectKind(SubjectKind.INSTRUCTION)
                            .setSubjectId("demo")
                            .setSubjectText(INSTRUCTION)
                            .setStartMicros(s.frame.getPtsMicros())
                            .setEndMicros(s.frame.getPtsMicros())
                            .setFrameSequence(s.frame.getSequence())
                            .setScore(s.score)
                            .setContributions(s.contributions())
                            .setUngroundedTerms(List.of("walking", "parked"))
                            .setModels(models)
                            .setEmittedAtMicros(BASE)
                            .build());
        }

        // Moments: runs of scored frames at or above the threshold; one frame below does not end
        // a run, two do; a run of one frame is not a moment.
        List<List<Scored>> runs = new ArrayList<>();
        List<Scored> run = new ArrayList<>();
        int below = 0;
        for (Scored s : scored.values()) {
            if (s.score >= THRESHOLD) {
                run.add(s);
                below = 0;
            } else if (!run.isEmpty() && ++below >= 2) {
                runs.add(run);
                run = new ArrayList<>();
            }
        }
        runs.add(run);
        List<GroundedCaption> captions = new ArrayList<>();
        for (List<Scored> r : runs) {
            if (r.size() >= 2) {
                captions.add(caption(r, captions.size() + 1, models));
            }
        }
        if (captions.isEmpty()) {
            throw new IllegalStateException("The detector found no moment in vtest's first frames");
        }

        scores.add(textScore("label-1", frames, 80, 119, "a person next to a van", scored, models));
        scores.add(textScore("label-2", frames, 0, 60, "a dog", scored, models));
        DeadLetter dead =
                DeadLetter.newBuilder()
                        .setSourceTopic("vlstream.frames")
                        .setSourcePartition(0)
                        .setSourceOffset(7)
                        .setReason(ReasonCode.TRUNCATED_IMAGE)
                        .setMessage("JPEG ends before its end-of-image marker")
                        .setStage("decode")
                        .setStreamId(STREAM)
                        .setPayloadHead(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01}))
                        .setPayloadSize(2)
                        .setFailedAtMicros(BASE)
                        .build();
        return new VlstreamOutput(captions, scores, List.of(dead));
    }

    /** One scored frame and what the detector found in it. */
    record Scored(VideoFrame frame, float score, List<Region> people, List<Region> vehicles) {
        List<TermContribution> contributions() {
            return List.of(
                    term("people", List.of("person"), people),
                    term("van", List.of("bus", "car", "truck"), vehicles));
        }

        private static TermContribution term(String term, List<String> labels, List<Region> rs) {
            float best = (float) rs.stream().mapToDouble(Region::getScore).max().orElse(0);
            return TermContribution.newBuilder()
                    .setTerm(term)
                    .setKind(ContributionKind.OBJECT)
                    .setLabels(labels)
                    .setRegions(rs)
                    .setWeight(0.5f)
                    .setScore(best)
                    .setSatisfied(best > 0)
                    .setDetail(rs.size() + " found")
                    .build();
        }
    }

    private static Scored score(VideoFrame frame, List<Detection> found) {
        List<Region> people = new ArrayList<>();
        List<Region> vehicles = new ArrayList<>();
        for (Detection d : found) {
            if (d.getScore() < 0.3f) {
                continue;
            }
            Region r =
                    Region.newBuilder()
                            .setFrameSequence(frame.getSequence())
                            .setPtsMicros(frame.getPtsMicros())
                            .setLabel(d.getLabel())
                            .setScore(d.getScore())
                            .setBox(d.getBox())
                            .build();
            if (d.getLabel().equals("person")) {
                people.add(r);
            } else if (VEHICLES.contains(d.getLabel())) {
                vehicles.add(r);
            }
        }
        double p = people.stream().mapToDouble(Region::getScore).max().orElse(0);
        double v = vehicles.stream().mapToDouble(Region::getScore).max().orElse(0);
        return new Scored(frame, (float) Math.sqrt(p * v), people, vehicles);
    }

    private static GroundedCaption caption(List<Scored> run, int number, List<ModelRef> models) {
        // Evidence: the best frame plus the run's first and last, in time order.
        Scored best = run.stream().max(Comparator.comparingDouble(Scored::score)).orElseThrow();
        List<Scored> evidence =
                List.of(run.get(0), best, run.get(run.size() - 1)).stream()
                        .distinct()
                        .sorted(Comparator.comparingLong(s -> s.frame.getSequence()))
                        .toList();
        List<Region> people = new ArrayList<>();
        List<Region> vehicles = new ArrayList<>();
        evidence.forEach(
                s -> {
                    people.addAll(s.people);
                    vehicles.addAll(s.vehicles);
                });
        String vehicle =
                vehicles.stream()
                        .max(Comparator.comparingDouble(Region::getScore))
                        .map(Region::getLabel)
                        .orElse("truck");
        String subject = best.people.size() == 1 ? "a person" : best.people.size() + " people";
        String object = "a " + vehicle;
        String text = subject + " next to " + object + " (not verified: walking, parked)";
        int objectAt = text.indexOf(object);
        List<GroundedPhrase> phrases =
                List.of(
                        new GroundedPhrase(subject, 0, subject.length(), people),
                        new GroundedPhrase(object, objectAt, objectAt + object.length(), vehicles));
        return GroundedCaption.newBuilder()
                .setStreamId(STREAM)
                .setInstructionId("demo")
                .setInstructionText(INSTRUCTION)
                .setMomentId("vtest/demo/" + number)
                .setStatus(MomentStatus.FINAL)
                .setMomentStartMicros(run.get(0).frame.getPtsMicros())
                .setMomentEndMicros(run.get(run.size() - 1).frame.getPtsMicros())
                .setFrameCount(run.size() * SCORE_EVERY)
                .setCaption(text)
                .setPhrases(phrases)
                .setEvidence(
                        evidence.stream()
                                .map(
                                        s ->
                                                EvidenceFrame.newBuilder()
                                                        .setFrameSequence(s.frame.getSequence())
                                                        .setPtsMicros(s.frame.getPtsMicros())
                                                        .setRelevance(s.score)
                                                        .setWidth(s.frame.getWidth())
                                                        .setHeight(s.frame.getHeight())
                                                        .setMediaType(s.frame.getMediaType())
                                                        .setImage(s.frame.getImage())
                                                        .build())
                                .toList())
                .setAlignmentScore(best.score)
                .setContributions(best.contributions())
                .setUngroundedTerms(List.of("walking", "parked"))
                .setModels(models)
                .setEmittedAtMicros(BASE)
                .setProcessingLatencyMicros(250_000)
                .build();
    }

    private static AlignmentScore textScore(
            String id,
            List<VideoFrame> frames,
            int from,
            int to,
            String text,
            TreeMap<Long, Scored> scored,
            List<ModelRef> models) {
        boolean dog = text.contains("dog");
        double mean =
                scored.subMap((long) from, true, (long) to, true).values().stream()
                        .mapToDouble(Scored::score)
                        .average()
                        .orElse(0);
        return AlignmentScore.newBuilder()
                .setStreamId(STREAM)
                .setSubjectKind(SubjectKind.TIMED_TEXT)
                .setSubjectId(id)
                .setSubjectText(text)
                .setStartMicros(frames.get(from).getPtsMicros())
                .setEndMicros(frames.get(to).getPtsMicros())
                .setScore(dog ? 0f : (float) mean)
                .setContributions(
                        List.of(
                                TermContribution.newBuilder()
                                        .setTerm(dog ? "dog" : "person")
                                        .setKind(ContributionKind.OBJECT)
                                        .setLabels(List.of(dog ? "dog" : "person"))
                                        .setWeight(1f)
                                        .setScore(dog ? 0f : (float) mean)
                                        .setSatisfied(!dog)
                                        .build()))
                .setModels(models)
                .setEmittedAtMicros(BASE)
                .setVerdict(dog ? Verdict.CONTRADICTED : Verdict.SUPPORTED)
                .build();
    }

    private static BufferedImage decode(VideoFrame frame) throws IOException {
        ByteBuffer b = frame.getImage().duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return ImageIO.read(new ByteArrayInputStream(bytes));
    }
}
