package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** vlstream settings come from the cluster's configuration and from program arguments. */
class VlstreamJobMainTest {

    @Test
    void clusterConfigurationIsReadAndArgumentsWin() {
        Configuration cluster =
                Configuration.fromMap(
                        Map.of(
                                "vlstream.kafka.bootstrap-servers", "kafka:9092",
                                "vlstream.topic.frames", "cameras"));
        Configuration arguments =
                Configuration.fromMap(Map.of("vlstream.topic.frames", "lobby-frames"));

        JobSettings settings =
                JobSettings.from(VlstreamJobMain.jobConfiguration(cluster, arguments));

        assertThat(settings.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(settings.kafka().topics().frames()).isEqualTo("lobby-frames");
    }
}
