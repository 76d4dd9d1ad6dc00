package io.vlstream.scoring;

import io.vlstream.avro.ContributionKind;
import io.vlstream.avro.TermContribution;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.SimilarityModel;
import java.util.ArrayList;
import java.util.List;

/**
 * A frame's score from a dual encoder: the calibrated cosine similarity of its image embedding and
 * the instruction's text embedding, sigmoid(scale · cos + bias). It replaces the lexical score,
 * whose term contributions stay on the record as the explanation of what was detected.
 */
public final class SimilarityScore {

    private SimilarityScore() {}

    /** The frame's score: by similarity when both embeddings exist, else the lexical one. */
    public static FrameScore of(
            CompiledInstruction instruction, FrameAnalysis frame, FrameScore lexical) {
        SimilarityModel model = instruction.getSimilarity();
        List<Float> image = frame.getEmbedding();
        List<Float> text = instruction.getTextEmbedding();
        if (model == null || image.isEmpty() || text.isEmpty()) {
            return lexical;
        }
        if (image.size() != text.size()) {
            throw new IllegalStateException(
                    "Image embedding has "
                            + image.size()
                            + " dimensions, the instruction's text embedding "
                            + text.size()
                            + ": frames and instructions were encoded by different models");
        }
        double dot = 0;
        double imageNorm = 0;
        double textNorm = 0;
        for (int i = 0; i < image.size(); i++) {
            dot += image.get(i) * text.get(i);
            imageNorm += image.get(i) * image.get(i);
            textNorm += text.get(i) * text.get(i);
        }
        double cosine = dot / Math.max(1e-12, Math.sqrt(imageNorm) * Math.sqrt(textNorm));
        float score = (float) (1 / (1 + Math.exp(-(model.getScale() * cosine + model.getBias()))));
        List<TermContribution> contributions = new ArrayList<>();
        contributions.add(
                TermContribution.newBuilder()
                        .setTerm(instruction.getText())
                        .setKind(ContributionKind.SIMILARITY)
                        .setWeight(1f)
                        .setScore(score)
                        .setSatisfied(score >= instruction.getScoreThreshold())
                        .setDetail(
                                String.format(
                                        "cosine %.3f → sigmoid(%.2f·cos %+.2f) = %.3f (%s %s)",
                                        cosine,
                                        model.getScale(),
                                        model.getBias(),
                                        score,
                                        model.getModel().getId(),
                                        model.getModel().getVersion()))
                        .build());
        for (TermContribution lexicalTerm : lexical.contributions()) {
            contributions.add(TermContribution.newBuilder(lexicalTerm).setWeight(0f).build());
        }
        return new FrameScore(score, contributions);
    }
}
