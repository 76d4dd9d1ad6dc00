package io.vlstream.model;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/** Finds objects in decoded images; one implementation per engine, no engine types in here. */
public interface ObjectDetector extends AutoCloseable {

    /**
     * Detects objects in one image.
     *
     * @return detections with boxes in the image's own pixel coordinates, best score first
     */
    List<Detection> detect(BufferedImage image);

    /**
     * Detects objects in a batch of images, one list per image in the same order. The default calls
     * {@link #detect} per image; a detector whose graph takes a batch overrides it.
     */
    default List<List<Detection>> detectAll(List<BufferedImage> images) {
        List<List<Detection>> all = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            all.add(detect(image));
        }
        return all;
    }

    /** The model's id and version, for lineage on every output record. */
    ModelRef model();

    /** The labels this detector can produce, in class-id order. */
    List<String> labels();

    @Override
    void close();
}
