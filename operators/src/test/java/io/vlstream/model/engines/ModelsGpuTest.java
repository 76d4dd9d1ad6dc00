package io.vlstream.model.engines;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.model.ModelDevice;
import io.vlstream.model.ModelSpec;
import org.junit.jupiter.api.Test;

/** The GPU a task manager offers is added to a model spec unless the spec chose a device. */
class ModelsGpuTest {

    @Test
    void addsTheTaskManagersGpuToTheSpec() {
        assertThat(Models.onGpu("savedmodel:/m/clip", "1")).isEqualTo("savedmodel:/m/clip?gpu=1");
        assertThat(Models.onGpu("savedmodel:/m/clip?image-size=224", "0"))
                .isEqualTo("savedmodel:/m/clip?image-size=224&gpu=0");
    }

    @Test
    void aDeviceInTheSpecWins() {
        assertThat(Models.onGpu("savedmodel:/m/clip?gpu=3", "1"))
                .isEqualTo("savedmodel:/m/clip?gpu=3");
        assertThat(Models.onGpu("savedmodel:/m/clip?device=cpu", "1"))
                .isEqualTo("savedmodel:/m/clip?device=cpu");
    }

    @Test
    void theBuiltinDetectorTakesTheGpuToo() {
        assertThat(Models.onGpu("builtin:coco-centernet", "0"))
                .isEqualTo("builtin:coco-centernet?gpu=0");
        assertThat(Models.onGpu("builtin:coco-centernet?threads=2", "1"))
                .isEqualTo("builtin:coco-centernet?threads=2&gpu=1");
        assertThat(Models.onGpu("builtin:coco-centernet?device=cpu", "1"))
                .isEqualTo("builtin:coco-centernet?device=cpu");
    }

    @Test
    void theSpecsDeviceParametersParse() {
        assertThat(ModelDevice.of(ModelSpec.parse("builtin:coco-centernet?gpu=0")))
                .isEqualTo(new ModelDevice("0", false));
        assertThat(ModelDevice.of(ModelSpec.parse("builtin:coco-centernet?device=cpu")))
                .isEqualTo(new ModelDevice(null, true));
        assertThat(ModelDevice.of(ModelSpec.parse("builtin:coco-centernet")))
                .isEqualTo(ModelDevice.ANY);
    }
}
