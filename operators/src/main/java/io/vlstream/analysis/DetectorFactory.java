package io.vlstream.analysis;

import java.io.IOException;
import java.io.Serializable;

/**
 * Creates a task's {@link ObjectDetector} where it runs (in {@code open()}), not where the job is
 * built.
 */
@FunctionalInterface
public interface DetectorFactory extends Serializable {
    ObjectDetector create() throws IOException;

    /**
     * Opens the detector on CUDA device {@code gpuIndex} (from Flink's external resource
     * information). The default ignores the index: the detector uses TensorFlow's own placement.
     */
    default ObjectDetector create(String gpuIndex) throws IOException {
        return create();
    }
}
