package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import java.util.List;

/**
 * What the models made of one frame: its detections and image embedding, or why there are none.
 *
 * @param detections the detector's output, or null on failure
 * @param embedding the image encoder's embedding (empty without an encoder), or null on failure
 * @param latencyMicros wall time of the model call the frame was part of
 * @param failure why the models failed on this frame, or null
 */
record ModelResult(
        List<Detection> detections,
        List<Float> embedding,
        long latencyMicros,
        RuntimeException failure) {

    static ModelResult failed(RuntimeException failure) {
        return new ModelResult(null, null, 0, failure);
    }
}
