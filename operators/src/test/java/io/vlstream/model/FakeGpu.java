package io.vlstream.model;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;

/** What Flink's GPU driver hands a task: properties by key, such as {@code index}. */
public record FakeGpu(Map<String, String> properties) implements ExternalResourceInfo {
    @Override
    public Optional<String> getProperty(String key) {
        return Optional.ofNullable(properties.get(key));
    }

    @Override
    public Collection<String> getKeys() {
        return properties.keySet();
    }
}
