package io.vlstream.grounding;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.EvidenceFrame;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.TimedText;
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
 * frame's, explained by that frame's contributions, with the best few frames as evidence.
 */
public final class SpanAlignment {

    static final int EVIDENCE_FRAMES = 3;

    private final FrameScorer scorer;

    public SpanAlignment(FrameScorer scorer) {
        this.scorer = scorer;
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
