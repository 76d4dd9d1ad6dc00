package io.vlstream.model;

import java.io.IOException;
import java.io.Serializable;

/**
 * Opens a task's {@link DualEncoder} where it runs (in {@code open()}), not where the job is built.
 */
@FunctionalInterface
public interface DualEncoderFactory extends Serializable {
    DualEncoder create() throws IOException;

    /**
     * Opens the encoder on CUDA device {@code gpuIndex} (from Flink's external resource
     * information). The default ignores the index.
     */
    default DualEncoder create(String gpuIndex) throws IOException {
        return create();
    }
}
