package io.vlstream.model;

import java.io.Serializable;

/**
 * Turns an image–text cosine similarity into a score in [0, 1]: {@code sigmoid(scale * cosine +
 * bias)}, the probability a SigLIP-style model was trained to give for "this text matches this
 * image".
 *
 * <p>SigLIP exports both numbers. CLIP was trained with a softmax over texts, not a sigmoid, and
 * has no bias: with its scale (~100) and bias 0 every cosine above 0 scores near 1, so a CLIP model
 * needs a bias chosen for it ({@code -scale * c} puts the 0.5 point at cosine {@code c}; {@code c}
 * ≈ 0.2–0.25 suits ViT-B/32).
 *
 * @param scale the logit scale (a multiplier, already exponentiated: ~100 for CLIP, ~10–120 for
 *     SigLIP), greater than 0
 * @param bias the logit bias (SigLIP's learned bias, e.g. around -10 to -17; 0 if none)
 */
public record SimilarityCalibration(float scale, float bias) implements Serializable {

    public SimilarityCalibration {
        if (!(scale > 0f) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("logit scale must be > 0 and finite, got " + scale);
        }
        if (!Float.isFinite(bias)) {
            throw new IllegalArgumentException("logit bias must be finite, got " + bias);
        }
    }

    /** The calibrated score of a cosine similarity. */
    public float score(float cosine) {
        double logit = (double) scale * cosine + bias;
        return (float) (1.0 / (1.0 + Math.exp(-logit)));
    }

    /** The cosine similarity of two vectors (0 when either is all zeros). */
    public static float cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(
                    "Embeddings differ in size: " + a.length + " vs " + b.length);
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        if (na == 0 || nb == 0) {
            return 0f;
        }
        return (float) (dot / Math.sqrt(na * nb));
    }

    /** The vector scaled to unit length (all zeros stay zeros). */
    public static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float[] out = v.clone();
        if (n > 0) {
            float inv = (float) (1.0 / Math.sqrt(n));
            for (int i = 0; i < out.length; i++) {
                out[i] *= inv;
            }
        }
        return out;
    }
}
