package io.vlstream.caption;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.ModelRef;
import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.ModelFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.externalresource.ExternalResourceInfo;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.externalresource.StaticExternalResourceInfoProvider;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The captioning operator opens its model on the GPU Flink gave the task manager, if any. */
class CaptionMomentsWithModelTest {

    /** How each captioner was opened: "default" or "gpu N". */
    private static final List<String> OPENED = new CopyOnWriteArrayList<>();

    private static final ModelFactory<Captioner> RECORDING =
            new ModelFactory<Captioner>() {
                @Override
                public Captioner create() {
                    OPENED.add("default");
                    return new FixedCaptioner();
                }

                @Override
                public Captioner create(String gpuIndex) {
                    OPENED.add("gpu " + gpuIndex);
                    return new FixedCaptioner();
                }
            };

    /** A captioner that always says the same. */
    private static final class FixedCaptioner implements Captioner {
        @Override
        public String caption(CaptionRequest request) {
            return "a person";
        }

        @Override
        public ModelRef model() {
            return new ModelRef("captioner", "fixed", "1");
        }

        @Override
        public void close() {}
    }

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

    @BeforeEach
    void reset() {
        OPENED.clear();
    }

    private static void open(ExternalResourceInfoProvider resources) throws Exception {
        try (MockEnvironment env =
                        new MockEnvironmentBuilder()
                                .setExternalResourceInfoProvider(resources)
                                .build();
                var harness =
                        new OneInputStreamOperatorTestHarness<>(
                                new ProcessOperator<>(new CaptionMomentsWithModel(RECORDING)),
                                env)) {
            harness.open();
        }
    }

    @Test
    void opensTheCaptionerOnTheTaskManagersGpu() throws Exception {
        open(
                new StaticExternalResourceInfoProvider(
                        Map.of("gpu", Set.of(new FakeGpu(Map.of("index", "1"))))));
        assertThat(OPENED).containsExactly("gpu 1");
    }

    @Test
    void withoutAGpuTheCaptionerOpensAsConfigured() throws Exception {
        open(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES);
        assertThat(OPENED).containsExactly("default");
    }
}
