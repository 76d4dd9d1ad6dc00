package io.vlstream.model;

import java.util.Collection;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/** Picks the CUDA device a task's models use from Flink's external resource information. */
public final class GpuDevices {

    /** The external resource name that Flink's GPU plugin is configured under. */
    public static final String RESOURCE = "gpu";

    private GpuDevices() {}

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
