package io.vlstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The Kafka cluster, topics and transactions of the job ({@code vlstream.kafka.*}, {@code
 * vlstream.topic.*}); read into {@link KafkaSettings}.
 */
public final class KafkaOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("vlstream.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers for every vlstream topic.");

    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE =
            ConfigOptions.key("vlstream.kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Optional Java properties file with extra Kafka client settings"
                                    + " (SASL/SSL and the like), applied to every source and sink.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("vlstream.kafka.group-id")
                    .stringType()
                    .defaultValue("vlstream")
                    .withDescription(
                            "Consumer group prefix; each source uses <prefix>-frames,"
                                    + " <prefix>-instructions and <prefix>-texts.");

    public static final ConfigOption<String> TOPIC_FRAMES =
            ConfigOptions.key("vlstream.topic.frames")
                    .stringType()
                    .defaultValue("vlstream.frames")
                    .withDescription("Topic of VideoFrame records (key: stream id).");

    public static final ConfigOption<String> TOPIC_INSTRUCTIONS =
            ConfigOptions.key("vlstream.topic.instructions")
                    .stringType()
                    .defaultValue("vlstream.instructions")
                    .withDescription(
                            "Compacted topic of Instruction records (key: instruction id).");

    public static final ConfigOption<String> TOPIC_TEXTS =
            ConfigOptions.key("vlstream.topic.texts")
                    .stringType()
                    .defaultValue("vlstream.texts")
                    .withDescription("Topic of TimedText records (key: stream id).");

    public static final ConfigOption<String> TOPIC_CAPTIONS =
            ConfigOptions.key("vlstream.topic.captions")
                    .stringType()
                    .defaultValue("vlstream.captions")
                    .withDescription("Topic the GroundedCaption records go to.");

    public static final ConfigOption<String> TOPIC_SCORES =
            ConfigOptions.key("vlstream.topic.scores")
                    .stringType()
                    .defaultValue("vlstream.scores")
                    .withDescription("Topic the AlignmentScore records go to.");

    public static final ConfigOption<String> TOPIC_DLQ =
            ConfigOptions.key("vlstream.topic.dlq")
                    .stringType()
                    .defaultValue("vlstream.dlq")
                    .withDescription("Topic the DeadLetter records go to.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("vlstream.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("vlstream")
                    .withDescription(
                            "Prefix of the exactly-once sinks' transactional ids; unique per job"
                                    + " on one cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("vlstream.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Kafka transaction timeout of the sinks; must not exceed the"
                                    + " brokers' transaction.max.timeout.ms (15 min by default).");

    private KafkaOptions() {}
}
