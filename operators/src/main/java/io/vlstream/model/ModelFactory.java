package io.vlstream.model;

import java.io.IOException;
import java.io.Serializable;

/**
 * Opens a task's model (a detector, a dual encoder, a captioner) where it runs, in {@code open()},
 * not where the job is built: what a job carries to its task managers is this recipe, not the
 * model.
 *
 * @param <M> the model role
 */
@FunctionalInterface
public interface ModelFactory<M> extends Serializable {

    /** Opens the model on the CPU, or where its spec and TensorFlow place it. */
    M create() throws IOException;

    /**
     * Opens the model on CUDA device {@code gpuIndex} (from Flink's external resource information).
     * The default ignores the index.
     */
    default M create(String gpuIndex) throws IOException {
        return create();
    }
}
