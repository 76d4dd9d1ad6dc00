package io.vlstream.model;

import io.vlstream.avro.ModelRef;
import java.awt.image.BufferedImage;
import java.util.List;

/** Turns decoded images into embeddings; one implementation per engine, no engine types here. */
public interface ImageEncoder extends AutoCloseable {

    /**
     * Embeds images in as few model calls as the model's batch size allows.
     *
     * @return one L2-normalised embedding per image, in order, each of {@link #dimension()} floats
     */
    float[][] encodeImages(List<BufferedImage> images);

    /** Embeds one image; see {@link #encodeImages}. */
    default float[] encodeImage(BufferedImage image) {
        return encodeImages(List.of(image))[0];
    }

    /** The embedding size. */
    int dimension();

    /** The most images one model call takes; larger lists are split. */
    int maxBatchSize();

    /** The model's id and version, for lineage on every output record. */
    ModelRef model();

    @Override
    void close();
}
