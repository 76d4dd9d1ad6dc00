package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;

/**
 * Every operator of the job has a uid of its own, and the uids do not change between builds: a
 * savepoint restores into the operators whose uids it names, so a renamed or missing uid loses that
 * operator's state on an upgrade (and fails the start without --allowNonRestoredState).
 */
class OperatorUidsTest {

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        VlstreamJobMain.kafkaJob(
                        JobSettings.from(
                                Configuration.fromMap(
                                        Map.of("vlstream.kafka.bootstrap-servers", "kafka:9092"))))
                .addTo(env);
        return env.getStreamGraph();
    }

    @Test
    void everyOperatorHasAUid() {
        List<String> withoutUid =
                graph().getStreamNodes().stream()
                        .filter(node -> node.getTransformationUID() == null)
                        .map(StreamNode::getOperatorName)
                        .toList();

        assertThat(withoutUid).isEmpty();
    }

    @Test
    void theUidsAreTheOnesSavepointsWereTakenWith() {
        List<String> uids =
                graph().getStreamNodes().stream()
                        .map(StreamNode::getTransformationUID)
                        .sorted()
                        .toList();

        // Change this list only together with an upgrade note in the README ("Running on a
        // cluster"): savepoints taken before the change do not restore the renamed operators.
        assertThat(uids).containsExactlyElementsOf(EXPECTED);
    }

    private static final List<String> EXPECTED =
            List.of(
                    "Sink Committer: captions-sink",
                    "Sink Committer: dlq-sink",
                    "Sink Committer: scores-sink",
                    "align-texts",
                    "analyze-frames",
                    "build-captions",
                    "caption-moments",
                    "captions-sink",
                    "compile-instructions",
                    "count-dead-letters",
                    "decode-frames",
                    "dlq-sink",
                    "fit-captions",
                    "fit-scores",
                    "frames-source",
                    "instructions-source",
                    "score-frames",
                    "scores-sink",
                    "select-moments",
                    "texts-source",
                    "validate-texts");
}
