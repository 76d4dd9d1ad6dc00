package io.vlstream.model;

import java.io.IOException;
import java.util.Collection;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the CUDA device a task's models use from Flink's external resource information. */
public final class GpuDevices {

    /** The external resource name that Flink's GPU plugin is configured under. */
    public static final String RESOURCE = "gpu";

    private static final Logger LOG = LoggerFactory.getLogger(GpuDevices.class);

    private GpuDevices() {}

    /**
     * Opens {@code factory}'s model on this task manager's GPU (the first with an index, from
     * Flink's external resource information), or where its spec and TensorFlow place it when there
     * is none; says which in the log.
     *
     * @param what the model(s), for the log line, e.g. "the captioner"
     */
    public static <M> M open(
            ModelFactory<M> factory, Collection<ExternalResourceInfo> gpus, String what)
            throws IOException {
        Optional<String> gpu = index(gpus);
        if (gpu.isPresent()) {
            LOG.info("{} runs on GPU {} (Flink external resource '{}')", what, gpu.get(), RESOURCE);
            return factory.create(gpu.get());
        }
        LOG.info(
                "No Flink external resource '{}' on this task manager: {} runs on the CPU (or"
                        + " where its spec and TensorFlow place it)",
                RESOURCE,
                what);
        return factory.create();
    }

    /**
     * The {@code index} property of the first GPU this task manager was given that has one, or
     * empty when it has none (CPU, or TensorFlow's own placement).
     */
    public static Optional<String> index(Collection<ExternalResourceInfo> gpus) {
        if (gpus == null) {
            return Optional.empty();
        }
        for (ExternalResourceInfo gpu : gpus) {
            Optional<String> index = gpu.getProperty("index").map(String::strip);
            if (index.isPresent() && !index.get().isEmpty()) {
                return index;
            }
        }
        return Optional.empty();
    }
}
