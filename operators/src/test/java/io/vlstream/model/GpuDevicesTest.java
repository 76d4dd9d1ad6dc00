package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Choosing the model device from Flink's external resource information. */
class GpuDevicesTest {

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
