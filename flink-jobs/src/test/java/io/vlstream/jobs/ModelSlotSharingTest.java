package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.resources.CPUResource;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/**
 * With {@code vlstream.model.gpu} the model operators get slots of their own that ask for a GPU,
 * and every other operator gets slots that ask for none.
 */
class ModelSlotSharingTest {

    private static final String ANALYZE = "analyze frames (detector)";
    private static final String CAPTION = "caption moments (in-process model)";

    private static StreamGraph graph(Map<String, String> settings) {
        Map<String, String> conf = new HashMap<>(settings);
        conf.put("vlstream.kafka.bootstrap-servers", "kafka:9092");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(4);
        VlstreamJobMain.kafkaJob(JobSettings.from(Configuration.fromMap(conf))).addTo(env);
        return env.getStreamGraph();
    }

    private static Set<String> nodesIn(StreamGraph graph, String group) {
        return graph.getStreamNodes().stream()
                .filter(node -> node.getSlotSharingGroup().equals(group))
                .map(StreamNode::getOperatorName)
                .collect(Collectors.toSet());
    }

    private static StreamNode node(StreamGraph graph, String name) {
        return graph.getStreamNodes().stream()
                .filter(node -> node.getOperatorName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void withoutGpuEverythingSharesTheDefaultSlotsAndAsksForNothing() {
        StreamGraph graph = graph(Map.of());

        assertThat(nodesIn(graph, VlstreamJob.MODELS_SLOT_SHARING_GROUP)).isEmpty();
        assertThat(graph.getSlotSharingGroupResource(VlstreamJob.MODELS_SLOT_SHARING_GROUP))
                .isEmpty();
        assertThat(graph.getSlotSharingGroupResource(VlstreamJob.PIPELINE_SLOT_SHARING_GROUP))
                .isEmpty();
        assertThat(node(graph, ANALYZE).getParallelism()).isEqualTo(4);
    }

    @Test
    void withGpuTheModelOperatorsAskForAGpuAndTheRestForNone() {
        StreamGraph graph =
                graph(
                        Map.of(
                                "vlstream.model.gpu", "true",
                                "vlstream.model.parallelism", "2",
                                "vlstream.model.captioner", "savedmodel:/models/blip",
                                "vlstream.model.slot.task-off-heap-memory", "3g"));

        assertThat(nodesIn(graph, VlstreamJob.MODELS_SLOT_SHARING_GROUP))
                .containsExactlyInAnyOrder(ANALYZE, CAPTION);
        Set<String> everyOther =
                graph.getStreamNodes().stream()
                        .map(StreamNode::getOperatorName)
                        .filter(name -> !name.equals(ANALYZE) && !name.equals(CAPTION))
                        .collect(Collectors.toSet());
        assertThat(nodesIn(graph, VlstreamJob.PIPELINE_SLOT_SHARING_GROUP))
                .containsExactlyInAnyOrderElementsOf(everyOther)
                .contains(
                        "Source: frames",
                        "captions sink: Writer",
                        "select moments",
                        "build captions");
        assertThat(node(graph, ANALYZE).getParallelism()).isEqualTo(2);
        assertThat(node(graph, CAPTION).getParallelism()).isEqualTo(2);
        // Into and out of the caption stage by key, never rebalanced: captions keep their order
        // across the change of parallelism.
        assertThat(node(graph, CAPTION).getInEdges())
                .allSatisfy(
                        e ->
                                assertThat(e.getPartitioner())
                                        .isInstanceOf(KeyGroupStreamPartitioner.class));
        assertThat(node(graph, "build captions").getInEdges())
                .allSatisfy(
                        e ->
                                assertThat(e.getPartitioner())
                                        .isInstanceOf(KeyGroupStreamPartitioner.class));
        assertThat(node(graph, "score frames per instruction").getParallelism()).isEqualTo(4);

        ResourceProfile models =
                graph.getSlotSharingGroupResource(VlstreamJob.MODELS_SLOT_SHARING_GROUP)
                        .orElseThrow();
        assertThat(models.getCpuCores()).isEqualTo(new CPUResource(1.0));
        assertThat(models.getTaskHeapMemory()).isEqualTo(MemorySize.parse("512m"));
        assertThat(models.getTaskOffHeapMemory()).isEqualTo(MemorySize.parse("3g"));
        assertThat(models.getManagedMemory()).isEqualTo(MemorySize.ZERO);
        assertThat(models.getExtendedResources()).containsOnlyKeys("gpu");
        assertThat(models.getExtendedResources().get("gpu").getValue())
                .isEqualByComparingTo(BigDecimal.ONE);

        ResourceProfile pipeline =
                graph.getSlotSharingGroupResource(VlstreamJob.PIPELINE_SLOT_SHARING_GROUP)
                        .orElseThrow();
        assertThat(pipeline.getCpuCores()).isEqualTo(new CPUResource(0.5));
        assertThat(pipeline.getManagedMemory()).isEqualTo(MemorySize.parse("256m"));
        assertThat(pipeline.getExtendedResources()).isEmpty();
    }

    @Test
    void aModelSlotCanAskForNoGpu() {
        StreamGraph graph =
                graph(Map.of("vlstream.model.gpu", "true", "vlstream.model.slot.gpus", "0"));

        assertThat(nodesIn(graph, VlstreamJob.MODELS_SLOT_SHARING_GROUP)).containsExactly(ANALYZE);
        assertThat(
                        graph.getSlotSharingGroupResource(VlstreamJob.MODELS_SLOT_SHARING_GROUP)
                                .orElseThrow()
                                .getExtendedResources())
                .isEmpty();
    }

    @Test
    void impossibleSlotSettingsFailAtStartupNamingTheSetting() {
        assertThatThrownBy(() -> graph(Map.of("vlstream.model.slot.cpu-cores", "0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vlstream.model.slot.*")
                .hasMessageContaining("cpu-cores must be positive, got 0.0");
        assertThatThrownBy(() -> graph(Map.of("vlstream.model.slot.gpus", "-1")))
                .hasMessageContaining("gpus must be 0 or more, got -1.0");
        assertThatThrownBy(() -> graph(Map.of("vlstream.pipeline.slot.task-heap-memory", "0")))
                .hasMessageContaining("vlstream.pipeline.slot.*")
                .hasMessageContaining("task-heap-memory must be positive");
        assertThatThrownBy(() -> graph(Map.of("vlstream.model.parallelism", "-1")))
                .hasMessageContaining("'vlstream.model.parallelism' must be >= 0");
    }
}
