package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ObjectDetector;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the detector (and the image encoder, if any) on a batch of frames in one call each; when a
 * batch call fails, each frame alone, so that only the frames the models fail on are marked failed.
 * Plain Java, no Flink: the operator passes in where call latencies and sizes go.
 */
final class ModelRunner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelRunner.class);

    private final ObjectDetector detector;
    private final DualEncoder encoder;
    private final List<ModelRef> models;
    private final LongConsumer callLatencyMillis;
    private final LongConsumer callSize;

    /**
     * @param encoder the image encoder, or null for none
     * @param callLatencyMillis sees each successful call's wall time
     * @param callSize sees each successful call's number of frames
     */
    ModelRunner(
            ObjectDetector detector,
            DualEncoder encoder,
            LongConsumer callLatencyMillis,
            LongConsumer callSize) {
        this.detector = detector;
        this.encoder = encoder;
        this.models =
                encoder == null
                        ? List.of(detector.model())
                        : List.of(detector.model(), encoder.model());
        this.callLatencyMillis = callLatencyMillis;
        this.callSize = callSize;
    }

    /** The models' lineage, for every analysis. */
    List<ModelRef> models() {
        return models;
    }

    /**
     * Runs the models on {@code images.get(i)} for each {@code i} in {@code indices} and puts each
     * frame's result into {@code results} under its index. Never throws on a model failure.
     */
    void run(List<BufferedImage> images, List<Integer> indices, Map<Integer, ModelResult> results) {
        List<BufferedImage> batch = new ArrayList<>(indices.size());
        for (int i : indices) {
            batch.add(images.get(i));
        }
        long start = System.nanoTime();
        List<List<Detection>> detections;
        float[][] embeddings = null;
        try {
            detections = detector.detectAll(batch);
            if (detections.size() != batch.size()) {
                throw new IllegalStateException(
                        "Detector returned "
                                + detections.size()
                                + " results for "
                                + batch.size()
                                + " images");
            }
            if (encoder != null) {
                embeddings = encoder.encodeImages(batch);
                if (embeddings.length != batch.size()) {
                    throw new IllegalStateException(
                            "Image encoder returned "
                                    + embeddings.length
                                    + " embeddings for "
                                    + batch.size()
                                    + " images");
                }
            }
        } catch (RuntimeException e) {
            if (indices.size() == 1) {
                results.put(indices.get(0), ModelResult.failed(e));
                return;
            }
            LOG.warn(
                    "Models {} failed on a batch of {} frames; retrying them one at a time",
                    models,
                    indices.size(),
                    e);
            for (int i : indices) {
                run(images, List.of(i), results);
            }
            return;
        }
        long latencyMicros = (System.nanoTime() - start) / 1_000;
        callLatencyMillis.accept(latencyMicros / 1_000);
        callSize.accept(batch.size());
        for (int k = 0; k < indices.size(); k++) {
            List<Float> embedding = embeddings == null ? List.of() : boxed(embeddings[k]);
            results.put(
                    indices.get(k),
                    new ModelResult(detections.get(k), embedding, latencyMicros, null));
        }
    }

    private static List<Float> boxed(float[] values) {
        List<Float> list = new ArrayList<>(values.length);
        for (float v : values) {
            list.add(v);
        }
        return list;
    }

    @Override
    public void close() {
        try {
            detector.close();
        } finally {
            if (encoder != null) {
                encoder.close();
            }
        }
    }
}
