package io.vlstream.model;

import io.vlstream.avro.ModelRef;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A CLIP/SigLIP-style model: an image tower and a text tower embedding into one space, and the
 * calibration that turns their cosine similarity into a score.
 */
public interface DualEncoder extends ImageEncoder, TextEncoder {

    /** How this model's cosine similarities become scores in [0, 1]. */
    SimilarityCalibration calibration();

    /** The calibrated score of an image embedding against a text embedding. */
    default float score(float[] imageEmbedding, float[] textEmbedding) {
        return calibration().score(SimilarityCalibration.cosine(imageEmbedding, textEmbedding));
    }

    /** Each image's calibrated score against {@code text} (whose embedding is cached). */
    default float[] score(List<BufferedImage> images, String text) {
        float[] t = encodeText(text);
        float[][] embeddings = encodeImages(images);
        float[] out = new float[embeddings.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = score(embeddings[i], t);
        }
        return out;
    }

    @Override
    int dimension();

    @Override
    ModelRef model();

    @Override
    void close();
}
