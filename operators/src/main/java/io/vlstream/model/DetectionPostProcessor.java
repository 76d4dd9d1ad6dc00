package io.vlstream.model;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Turns a detector's raw rows {@code [x1, y1, x2, y2, score, class]} (boxes in model-input pixels)
 * into final detections: score threshold, class-agnostic non-maximum suppression, a cap on the
 * count, boxes scaled to the source image's pixels and clipped to it, best first.
 */
public final class DetectionPostProcessor {

    /** Floats per raw row. */
    public static final int ROW = 6;

    private final DetectorSettings settings;
    private final IntFunction<String> labels;

    /**
     * @param labels label of a class id as the model emits it
     */
    public DetectionPostProcessor(DetectorSettings settings, IntFunction<String> labels) {
        this.settings = settings;
        this.labels = labels;
    }

    /**
     * @param rows raw rows, {@value #ROW} floats each
     * @param inputWidth width of the model input the boxes refer to
     * @param inputHeight height of the model input the boxes refer to
     * @param imageWidth width of the source image
     * @param imageHeight height of the source image
     */
    public List<Detection> process(
            float[] rows, int inputWidth, int inputHeight, int imageWidth, int imageHeight) {
        if (rows.length % ROW != 0) {
            throw new IllegalArgumentException(
                    "Raw detections hold " + rows.length + " floats, not a multiple of " + ROW);
        }
        List<float[]> candidates = new ArrayList<>();
        for (int i = 0; i < rows.length; i += ROW) {
            float score = rows[i + 4];
            // NaN scores or classes (seen from some TF.js models) fail these checks and drop out.
            if (score >= settings.minScore() && Float.isFinite(rows[i + 5])) {
                // Corners in either order, as TensorFlow's own NMS accepts them.
                candidates.add(
                        new float[] {
                            Math.min(rows[i], rows[i + 2]),
                            Math.min(rows[i + 1], rows[i + 3]),
                            Math.max(rows[i], rows[i + 2]),
                            Math.max(rows[i + 1], rows[i + 3]),
                            score,
                            rows[i + 5]
                        });
            }
        }
        candidates.sort(Comparator.comparingDouble((float[] r) -> r[4]).reversed());

        float sx = (float) imageWidth / inputWidth;
        float sy = (float) imageHeight / inputHeight;
        List<float[]> kept = new ArrayList<>();
        List<Detection> out = new ArrayList<>();
        for (float[] candidate : candidates) {
            if (kept.size() >= settings.maxDetections()) {
                break;
            }
            if (kept.stream().anyMatch(k -> iou(k, candidate) > settings.nmsIou())) {
                continue;
            }
            kept.add(candidate);
            int classId = Math.round(candidate[5]);
            Box box =
                    new Box(
                            clip(candidate[0] * sx, imageWidth),
                            clip(candidate[1] * sy, imageHeight),
                            clip(candidate[2] * sx, imageWidth),
                            clip(candidate[3] * sy, imageHeight));
            out.add(new Detection(labels.apply(classId), classId, candidate[4], box));
        }
        return out;
    }

    /** Intersection over union of two {@code [x1, y1, x2, y2, ...]} boxes; 0 for empty boxes. */
    public static float iou(float[] a, float[] b) {
        float iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
        float ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
        if (iw <= 0 || ih <= 0) {
            return 0f;
        }
        float intersection = iw * ih;
        float union = area(a) + area(b) - intersection;
        return union <= 0 ? 0f : intersection / union;
    }

    private static float area(float[] box) {
        return Math.max(0f, box[2] - box[0]) * Math.max(0f, box[3] - box[1]);
    }

    private static float clip(float v, int max) {
        return Math.max(0f, Math.min(max, v));
    }
}
