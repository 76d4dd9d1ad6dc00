package io.vlstream.caption;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.model.CaptionRequest;
import io.vlstream.model.Captioner;
import io.vlstream.model.CocoLabels;
import io.vlstream.model.FakeGpu;
import io.vlstream.model.ModelFactory;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.DefaultOpenContext;
import org.apache.flink.runtime.externalresource.ExternalResourceInfoProvider;
import org.apache.flink.runtime.externalresource.StaticExternalResourceInfoProvider;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process captioner: opened on the GPU Flink gave the task manager, if any; asked with the
 * moment's caption prompt and its evidence images; its text grounded in the moment's regions.
 */
class InProcessCaptionerTest {

    /** How each captioner was opened: "default" or "gpu N". */
    private static final List<String> OPENED = new CopyOnWriteArrayList<>();

    /** What the captioners were asked. */
    private static final List<CaptionRequest> ASKED = new CopyOnWriteArrayList<>();

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

    /** A captioner that always says the same, and keeps what it was asked. */
    private static final class FixedCaptioner implements Captioner {
        @Override
        public String caption(CaptionRequest request) {
            ASKED.add(request);
            return "  a person stands on the grass ";
        }

        @Override
        public ModelRef model() {
            return new ModelRef("captioner", "fixed", "1");
        }

        @Override
        public void close() {}
    }

    @BeforeEach
    void reset() {
        OPENED.clear();
        ASKED.clear();
    }

    private static CaptionMoments open(ExternalResourceInfoProvider resources) throws Exception {
        MockEnvironment env =
                new MockEnvironmentBuilder().setExternalResourceInfoProvider(resources).build();
        CaptionMoments function =
                new CaptionMoments(CaptionerSetup.inProcess(RECORDING, 0.3f, CocoLabels.LABELS));
        function.setRuntimeContext(new MockStreamingRuntimeContext(1, 0, env));
        function.open(DefaultOpenContext.INSTANCE);
        return function;
    }

    @Test
    void opensTheCaptionerOnTheTaskManagersGpu() throws Exception {
        open(new StaticExternalResourceInfoProvider(
                        Map.of("gpu", Set.of(new FakeGpu(Map.of("index", "1"))))))
                .close();
        assertThat(OPENED).containsExactly("gpu 1");
    }

    @Test
    void withoutAGpuTheCaptionerOpensAsConfigured() throws Exception {
        open(ExternalResourceInfoProvider.NO_EXTERNAL_RESOURCES).close();
        assertThat(OPENED).containsExactly("default");
    }

    @Test
    void theModelIsAskedWithTheCaptionPromptAndItsTextIsGroundedInTheRegions() throws Exception {
        byte[] jpeg = Files.readAllBytes(SampleMedia.file("messi5.jpg"));
        ScoredFrame frame = CaptionMomentsTest.image(0, "image/jpeg", jpeg);
        Detection person = new Detection("person", 0, 0.9f, new Box(100f, 50f, 180f, 300f));
        frame.setDetections(List.of(person));
        SelectedMoment moment =
                CaptionMomentsTest.moment("cam-0/walk/0", "cam-0", "Who is there?", List.of(frame));

        CaptionText caption;
        try (InProcessCaptioner captioner =
                new InProcessCaptioner(RECORDING.create(), 0.3f, CocoLabels.LABELS)) {
            caption = captioner.caption(moment).get(30, TimeUnit.SECONDS);
        }

        assertThat(ASKED).hasSize(1);
        assertThat(ASKED.get(0).captionPrompt()).isEqualTo("Who is there?");
        assertThat(ASKED.get(0).instruction()).isEqualTo("a person walks");
        assertThat(ASKED.get(0).images()).hasSize(1);
        assertThat(ASKED.get(0).images().get(0).getWidth()).isEqualTo(548);
        assertThat(caption.text()).isEqualTo("a person stands on the grass");
        assertThat(caption.model()).isEqualTo(new ModelRef("captioner", "fixed", "1"));
        assertThat(caption.phrases()).hasSize(1);
        assertThat(caption.phrases().get(0).getText()).isEqualTo("person");
        assertThat(caption.phrases().get(0).getCharStart()).isEqualTo(2);
        assertThat(caption.phrases().get(0).getRegions())
                .extracting(r -> r.getBox())
                .containsExactly(person.getBox());
    }
}
