package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.junit.jupiter.api.Test;

/** Choosing the model device from Flink's external resource information. */
class GpuDevicesTest {

    /** What Flink's GPU driver hands a task: properties by key. */
    private record FakeGpu(Map<String, String> properties) implements ExternalResourceInfo {
        @Override
        public Optional<String> getProperty(String key) {
            return Optional.ofNullable(properties.get(key));
        }

        @Override
        public Collection<String> getKeys() {
            return properties.keySet();
        }
    }

    @Test
    void usesTheIndexOfTheFirstGpu() {
        assertThat(
                        GpuDevices.index(
                                List.of(
                                        new FakeGpu(Map.of("index", "2")),
                                        new FakeGpu(Map.of("index", "3")))))
                .contains("2");
    }

    @Test
    void skipsAGpuWithoutAnIndex() {
        assertThat(
                        GpuDevices.index(
                                List.of(new FakeGpu(Map.of()), new FakeGpu(Map.of("index", "1")))))
                .contains("1");
    }

    @Test
    void noGpuMeansNoDevice() {
        assertThat(GpuDevices.index(List.of())).isEmpty();
        assertThat(GpuDevices.index(null)).isEmpty();
    }
}
