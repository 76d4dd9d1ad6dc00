package io.vlstream.model;

import java.io.IOException;
import java.io.Serializable;

/**
 * Opens a task's {@link Captioner} where it runs (in {@code open()}), not where the job is built.
 */
@FunctionalInterface
public interface CaptionerFactory extends Serializable {
    Captioner create() throws IOException;

    /**
     * Opens the captioner on CUDA device {@code gpuIndex} (from Flink's external resource
     * information). The default ignores the index.
     */
    default Captioner create(String gpuIndex) throws IOException {
        return create();
    }
}
