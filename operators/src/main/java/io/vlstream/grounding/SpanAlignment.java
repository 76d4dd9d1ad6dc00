package io.vlstream.grounding;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.Verdict;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.scoring.FrameScore;
import io.vlstream.scoring.FrameScorer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Scores a timed text against the analyzed frames of its span: the span's score is its best
 * frame's, explained by that frame's contributions, with the best few frames as evidence, and a
 * verdict:
 *
 * <ul>
 *   <li>{@code SUPPORTED}: some frame scores at or above the threshold;
 *   <li>{@code CONTRADICTED}: at least {@value #MIN_FRAMES_TO_CONTRADICT} frames were analyzed and
 *       every one scores below half the threshold (what the text names is clearly absent);
 *   <li>{@code CANNOT_TELL}: anything else: no frames in the span, nothing in the text the model
 *       can see, or scores between the two levels.
 * </ul>
 *
 * Words the model cannot ground (listed in {@code ungroundedTerms}) do not enter the verdict: "a
 * man walking" is supported by a person, whatever the person is doing.
 */
public final class SpanAlignment {

    static final int EVIDENCE_FRAMES = 3;

    /** Fewer analyzed frames than this never contradict a text. */
    public static final int MIN_FRAMES_TO_CONTRADICT = 3;

    /** The job's default score threshold, for callers that give none. */
    public static final float DEFAULT_THRESHOLD = 0.4f;

    private final FrameScorer scorer;
    private final float threshold;

    public SpanAlignment(FrameScorer scorer) {
        this(scorer, DEFAULT_THRESHOLD);
    }

    /**
     * @param threshold a frame scoring at least this supports the text
     */
    public SpanAlignment(FrameScorer scorer, float threshold) {
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1], got " + threshold);
        }
        this.scorer = scorer;
        this.threshold = threshold;
    }

    /** The verdict for a span's best score over {@code frames} analyzed frames. */
    public Verdict verdict(CompiledQuery query, int frames, float bestScore) {
        if (frames == 0 || query.getTerms().isEmpty()) {
            return Verdict.CANNOT_TELL;
        }
        if (bestScore >= threshold) {
            return Verdict.SUPPORTED;
        }
        if (frames >= MIN_FRAMES_TO_CONTRADICT && bestScore < threshold / 2) {
            return Verdict.CONTRADICTED;
        }
        return Verdict.CANNOT_TELL;
    }

    /** Frames of other spans are ignored; an empty span scores 0 and says so. */
    public AlignmentScore align(
            TimedText text, CompiledQuery query, List<FrameAnalysis> frames, long nowMicros) {
        record Scored(FrameAnalysis frame, FrameScore score) {}
        List<Scored> scored = new ArrayList<>();
        LinkedHashSet<ModelRef> models = new LinkedHashSet<>(query.getModels());
        for (FrameAnalysis frame : frames) {
            if (frame.getPtsMicros() < text.getStartMicros()
                    || frame.getPtsMicros() > text.getEndMicros()) {
                continue;
            }
            models.addAll(frame.getModels());
            scored.add(
                    new Scored(
                            frame,
                            scorer.score(
                                    query,
                                    frame.getDetections(),
                                    frame.getSequence(),
                                    frame.getPtsMicros(),
                                    frame.getWidth(),
                                    frame.getHeight())));
        }
        scored.sort(
                Comparator.comparingDouble((Scored s) -> s.score().score())
                        .reversed()
                        .thenComparingLong(s -> s.frame().getPtsMicros()));
        List<EvidenceFrame> evidence = new ArrayList<>();
        for (Scored s : scored.subList(0, Math.min(EVIDENCE_FRAMES, scored.size()))) {
            evidence.add(
                    EvidenceFrame.newBuilder()
                            .setFrameSequence(s.frame().getSequence())
                            .setPtsMicros(s.frame().getPtsMicros())
                            .setRelevance(s.score().score())
                            .setWidth(s.frame().getWidth())
                            .setHeight(s.frame().getHeight())
                            .setMediaType(s.frame().getMediaType())
                            .build());
        }
        List<TermContribution> contributions =
                scored.isEmpty() ? List.of(noFrames()) : scored.get(0).score().contributions();
        float best = scored.isEmpty() ? 0f : scored.get(0).score().score();
        return AlignmentScore.newBuilder()
                .setStreamId(text.getStreamId())
                .setSubjectKind(SubjectKind.TIMED_TEXT)
                .setSubjectId(text.getTextId())
                .setSubjectText(text.getText())
                .setStartMicros(text.getStartMicros())
                .setEndMicros(text.getEndMicros())
                .setFrameSequence(null)
                .setScore(scored.isEmpty() ? 0f : scored.get(0).score().score())
                .setContributions(contributions)
                .setEvidence(evidence)
                .setUngroundedTerms(query.getUngroundedWords())
                .setModels(new ArrayList<>(models))
                .setEmittedAtMicros(nowMicros)
                .setVerdict(verdict(query, scored.size(), best))
                .build();
    }

    private static TermContribution noFrames() {
        return TermContribution.newBuilder()
                .setTerm("")
                .setKind(ContributionKind.UNKNOWN)
                .setWeight(0f)
                .setScore(0f)
                .setSatisfied(false)
                .setDetail("no analyzed frames of this stream fall inside the text's span")
                .build();
    }
}
