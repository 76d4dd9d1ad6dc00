package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/** With {@code vlstream.model.gpu} the frame analysis gets slots of its own. */
class ModelSlotSharingTest {

    private static Optional<StreamNode> analysis(boolean gpu) {
        JobSettings settings =
                JobSettings.from(
                        Configuration.fromMap(
                                Map.of(
                                        "vlstream.kafka.bootstrap-servers",
                                        "kafka:9092",
                                        "vlstream.model.gpu",
                                        Boolean.toString(gpu))));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        VlstreamJobMain.kafkaJob(settings).addTo(env);
        return env.getStreamGraph().getStreamNodes().stream()
                .filter(node -> node.getOperatorName().equals("analyze frames (detector)"))
                .findFirst();
    }

    @Test
    void theModelOperatorIsInTheModelsGroupOnlyWhenAskedFor() {
        assertThat(analysis(true))
                .get()
                .extracting(StreamNode::getSlotSharingGroup)
                .isEqualTo(VlstreamJob.MODELS_SLOT_SHARING_GROUP);
        assertThat(analysis(false))
                .get()
                .extracting(StreamNode::getSlotSharingGroup)
                .isEqualTo("default");
    }
}
