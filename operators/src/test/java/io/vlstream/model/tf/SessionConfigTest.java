package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.model.ModelDevice;
import io.vlstream.model.ModelSpec;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;

/** The TensorFlow session options a model's device turns into. */
class SessionConfigTest {

    private static ConfigProto config(String spec) {
        return SavedModels.sessionConfig(2, ModelDevice.of(ModelSpec.parse(spec))).build();
    }

    @Test
    void noDeviceSetsTheThreadsAndMemoryGrowthOnly() {
        ConfigProto.Builder expected =
                ConfigProto.newBuilder()
                        .setIntraOpParallelismThreads(2)
                        .setInterOpParallelismThreads(1);
        expected.getGpuOptionsBuilder().setAllowGrowth(true);
        assertThat(config("builtin:coco-centernet")).isEqualTo(expected.build());
    }

    @Test
    void aGpuIndexIsTheOnlyVisibleDeviceAndMemoryGrowsAsNeeded() {
        ConfigProto config = config("builtin:coco-centernet?gpu=%201");
        assertThat(config.getGpuOptions().getVisibleDeviceList()).isEqualTo("1");
        assertThat(config.getGpuOptions().getAllowGrowth()).isTrue();
        assertThat(config.getDeviceCountMap()).isEmpty();
        assertThat(config.getIntraOpParallelismThreads()).isEqualTo(2);
    }

    @Test
    void cpuHidesTheGpus() {
        ConfigProto config = config("savedmodel:/m/clip?device=CPU");
        assertThat(config.getDeviceCountMap()).containsEntry("GPU", 0);
        assertThat(config.getGpuOptions().getVisibleDeviceList()).isEmpty();
    }
}
