package io.vlstream.eval;

import io.vlstream.avro.Detection;
import java.util.List;
import java.util.Objects;

/**
 * One frame of an evaluated video: what the model found in it (dense, every frame analyzed) and its
 * change-gate thumbnail (null where the gate is not evaluated).
 */
public record EvalFrame(
        long sequence,
        long ptsMicros,
        int width,
        int height,
        List<Detection> detections,
        byte[] thumbnail) {

    public EvalFrame {
        detections = List.copyOf(Objects.requireNonNull(detections, "detections"));
    }
}
