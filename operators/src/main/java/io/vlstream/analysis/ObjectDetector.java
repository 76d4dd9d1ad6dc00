package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import java.awt.image.BufferedImage;
import java.util.List;

/** Finds objects in decoded images; one implementation per engine, no engine types in here. */
public interface ObjectDetector extends AutoCloseable {

    /**
     * Detects objects in one image.
     *
     * @return detections with boxes in the image's own pixel coordinates, best score first
     */
    List<Detection> detect(BufferedImage image);

    /** The model's id and version, for lineage on every output record. */
    ModelRef model();

    /** The labels this detector can produce, in class-id order. */
    List<String> labels();

    @Override
    void close();
}
