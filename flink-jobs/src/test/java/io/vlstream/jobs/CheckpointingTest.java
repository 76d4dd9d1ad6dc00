package io.vlstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The job checkpoints exactly once, and a checkpoint times out well before the sinks' transactions
 * do (the broker would abort a transaction older than its timeout, losing its records).
 */
class CheckpointingTest {

    private static StreamExecutionEnvironment configured(Map<String, String> settings) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        VlstreamJob.configure(env, JobSettings.from(Configuration.fromMap(settings)));
        return env;
    }

    @Test
    void aCheckpointTimesOutAtHalfTheTransactionTimeout() {
        var byDefault = configured(Map.of()).getCheckpointConfig();
        assertThat(byDefault.isCheckpointingEnabled()).isTrue();
        assertThat(byDefault.getCheckpointInterval()).isEqualTo(Duration.ofSeconds(2).toMillis());
        assertThat(byDefault.getCheckpointTimeout()).isEqualTo(Duration.ofMinutes(5).toMillis());

        var shorter =
                configured(Map.of(KafkaOptions.TRANSACTION_TIMEOUT.key(), "2 min"))
                        .getCheckpointConfig();
        assertThat(shorter.getCheckpointTimeout()).isEqualTo(Duration.ofMinutes(1).toMillis());
    }
}
