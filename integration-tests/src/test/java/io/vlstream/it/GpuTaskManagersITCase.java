package io.vlstream.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vlstream.avro.AlignmentScore;
import io.vlstream.jobs.JobSettings;
import io.vlstream.jobs.KafkaOptions;
import io.vlstream.jobs.ModelOptions;
import io.vlstream.jobs.SelectionOptions;
import io.vlstream.jobs.VlstreamJob;
import io.vlstream.jobs.VlstreamJobMain;
import io.vlstream.jobs.VlstreamOptions;
import io.vlstream.local.LocalVlstream;
import io.vlstream.local.TopicReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobmanager.scheduler.NoResourceAvailableException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.util.TestStreamEnvironment;
import org.junit.jupiter.api.Test;

/**
 * {@code vlstream.model.gpu} on a MiniCluster under Flink's fine-grained resource management: the
 * model slots ask for the external resource "gpu", so the job runs on a task manager that declares
 * one and cannot be scheduled on one that does not. (A MiniCluster hands its tasks no GPU
 * information, so the models themselves run on this machine's CPU.)
 */
class GpuTaskManagersITCase {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Configuration taskManager(int gpus) {
        Configuration conf = new Configuration();
        if (gpus > 0) {
            conf.setString("external-resources", "gpu");
            conf.setString("external-resource.gpu.amount", Integer.toString(gpus));
        }
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("1g"));
        conf.set(JobManagerOptions.SLOT_REQUEST_TIMEOUT, Duration.ofSeconds(10));
        return conf;
    }

    private static MiniCluster start(Configuration conf) throws Exception {
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(VlstreamCluster.PARALLELISM)
                                .build());
        cluster.start();
        return cluster;
    }

    private static StreamExecutionEnvironment env(MiniCluster cluster) {
        StreamExecutionEnvironment env =
                new TestStreamEnvironment(cluster, VlstreamCluster.PARALLELISM);
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(conf);
        return env;
    }

    private static Configuration gpuJob(String groupId) {
        Configuration conf = new Configuration();
        conf.set(KafkaOptions.GROUP_ID, groupId);
        conf.set(KafkaOptions.TRANSACTIONAL_ID_PREFIX, groupId);
        conf.set(VlstreamOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
        conf.set(SelectionOptions.QUIET_TIMEOUT, Duration.ofSeconds(2));
        conf.set(ModelOptions.MODEL_GPU, true);
        conf.set(ModelOptions.MODEL_PARALLELISM, 1);
        return conf;
    }

    @Test
    void theModelSlotTakesTheTaskManagersGpuAndTheJobScoresFrames() throws Exception {
        try (MiniCluster cluster = start(taskManager(1));
                LocalVlstream local =
                        LocalVlstream.start(gpuJob("gpu-it"), VlstreamCluster.PARALLELISM);
                TopicReader<AlignmentScore> scores = local.readScores(null)) {
            JobClient job = local.submit(env(cluster), b -> b);
            local.applyInstruction(
                    "people",
                    VlstreamCluster.instruction("people", "people walking"),
                    VlstreamCluster.APPLY_TIMEOUT);
            local.publishFrames(VlstreamCluster.vtest("cam", 30));

            List<AlignmentScore> scored =
                    scores.await(s -> s.size() >= 30, VlstreamCluster.OUTPUT_TIMEOUT);
            List<JsonNode> slots = allocatedSlots(cluster.getRestAddress().get());
            job.cancel().get();

            assertThat(scored).hasSize(30);
            assertThat(slots).as("one model slot, two pipeline slots").hasSize(3);
            assertThat(slots)
                    .filteredOn(slot -> slot.path("extendedResources").has("gpu"))
                    .singleElement()
                    .satisfies(
                            models -> {
                                assertThat(models.path("extendedResources").path("gpu").asDouble())
                                        .isEqualTo(1.0);
                                assertThat(models.path("cpuCores").asDouble()).isEqualTo(1.0);
                                assertThat(models.path("taskOffHeapMemory").asInt())
                                        .isEqualTo(1024);
                            });
            assertThat(slots)
                    .filteredOn(slot -> !slot.path("extendedResources").has("gpu"))
                    .hasSize(2)
                    .allSatisfy(
                            pipeline -> {
                                assertThat(pipeline.path("cpuCores").asDouble()).isEqualTo(0.5);
                                assertThat(pipeline.path("managedMemory").asInt()).isEqualTo(256);
                            });
        }
    }

    @Test
    void withoutAGpuOnAnyTaskManagerTheJobCannotBeScheduled() throws Exception {
        try (MiniCluster cluster = start(taskManager(0))) {
            Configuration conf = gpuJob("no-gpu-it");
            // Never reached: the job fails before any task is deployed.
            conf.set(KafkaOptions.BOOTSTRAP_SERVERS, "localhost:1");
            StreamExecutionEnvironment env = env(cluster);
            JobSettings settings = JobSettings.from(conf);
            VlstreamJob.configure(env, settings);
            VlstreamJobMain.kafkaJob(settings).addTo(env);
            JobClient job = env.executeAsync("vlstream without a GPU");

            assertThatThrownBy(() -> job.getJobExecutionResult().get(2, TimeUnit.MINUTES))
                    .hasRootCauseInstanceOf(NoResourceAvailableException.class);
        }
    }

    /** Every slot allocated on the cluster's task managers, as Flink's REST API reports it. */
    private static List<JsonNode> allocatedSlots(URI rest) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<JsonNode> slots = new ArrayList<>();
        for (JsonNode tm : get(http, rest.resolve("/taskmanagers")).path("taskmanagers")) {
            JsonNode details = get(http, rest.resolve("/taskmanagers/" + tm.path("id").asText()));
            for (JsonNode slot : details.path("allocatedSlots")) {
                slots.add(slot.path("resource"));
            }
        }
        return slots;
    }

    private static JsonNode get(HttpClient http, URI uri) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
