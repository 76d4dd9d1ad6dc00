package io.vlstream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.vlstream.jobs.JobSettings;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.VlstreamJob;
import io.vlstream.jobs.VlstreamJobMain;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.clusterframework.types.ResourceProfile;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * The GPU overlay's task managers can hold the slots its job asks for: the job's stream graph,
 * built from the overlay's own configuration, against each task manager's CPU, memory and GPUs as
 * Flink computes them from the pod's resources.
 */
class GpuSlotCapacityTest {

    private final JsonNode spec = FlinkDeploymentTest.deployment("gpu").path("spec");
    private final Map<String, String> flinkConf =
            FlinkDeploymentTest.flinkConfiguration(FlinkDeploymentTest.deployment("gpu"));

    private StreamGraph jobGraph() {
        Map<String, String> conf = new java.util.HashMap<>(flinkConf);
        // The pods mount it from the ConfigMap kustomize makes of this file.
        conf.put(
                KafkaOptions.KAFKA_PROPERTIES_FILE.key(),
                Manifests.BASE.resolve("kafka/client.properties").toString());
        JobSettings settings = JobSettings.from(Configuration.fromMap(conf));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(spec.path("job").path("parallelism").asInt());
        VlstreamJobMain.kafkaJob(settings).addTo(env);
        return env.getStreamGraph();
    }

    /** Slots per slot sharing group: the largest parallelism among its operators. */
    private static Map<String, Integer> slotsPerGroup(StreamGraph graph) {
        Map<String, Integer> slots = new TreeMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            slots.merge(node.getSlotSharingGroup(), node.getParallelism(), Math::max);
        }
        return slots;
    }

    /** One task manager's resources, as Flink derives them from the pod's CPU and memory. */
    private ResourceProfile taskManager() {
        Configuration conf = Configuration.fromMap(flinkConf);
        JsonNode resource = spec.path("taskManager").path("resource");
        conf.setString("taskmanager.memory.process.size", resource.path("memory").asText());
        conf.setString("taskmanager.cpu.cores", resource.path("cpu").asText());
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(conf);
        return ResourceProfile.newBuilder()
                .setCpuCores(tm.getCpuCores())
                .setTaskHeapMemory(tm.getTaskHeapSize())
                .setTaskOffHeapMemory(tm.getTaskOffHeapSize())
                .setManagedMemory(tm.getManagedMemorySize())
                .setNetworkMemory(tm.getNetworkMemSize())
                .setExtendedResources(tm.getExtendedResources().values())
                .build();
    }

    @Test
    void everyTaskManagerHoldsItsShareOfTheModelAndPipelineSlots() {
        StreamGraph graph = jobGraph();
        Map<String, Integer> slots = slotsPerGroup(graph);
        int replicas = spec.path("taskManager").path("replicas").asInt();
        assertThat(slots)
                .containsOnlyKeys(
                        VlstreamJob.MODELS_SLOT_SHARING_GROUP,
                        VlstreamJob.PIPELINE_SLOT_SHARING_GROUP);
        assertThat(slots.get(VlstreamJob.MODELS_SLOT_SHARING_GROUP))
                .as("one model instance per GPU: replicas x external-resource.gpu.amount")
                .isEqualTo(
                        replicas * Integer.parseInt(flinkConf.get("external-resource.gpu.amount")));

        ResourceProfile share = ResourceProfile.ZERO;
        for (Map.Entry<String, Integer> group : slots.entrySet()) {
            ResourceProfile slot =
                    graph.getSlotSharingGroupResource(group.getKey())
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    "group '"
                                                            + group.getKey()
                                                            + "' declares no resources"));
            int perTaskManager = (group.getValue() + replicas - 1) / replicas;
            share = share.merge(slot.multiply(perTaskManager));
        }
        ResourceProfile taskManager = taskManager();
        assertThat(taskManager.allFieldsNoLessThan(share))
                .as("a task manager (%s) holds its share of the slots (%s)", taskManager, share)
                .isTrue();
    }
}
