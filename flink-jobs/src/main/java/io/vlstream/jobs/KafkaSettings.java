package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;

import io.vlstream.kafka.VlstreamTopics;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;

/**
 * Where the job reads and writes: the cluster, extra client properties, topics and transactions.
 *
 * @param properties extra client settings from {@code vlstream.kafka.properties-file} (SASL, SSL)
 */
public record KafkaSettings(
        String bootstrapServers,
        Properties properties,
        String groupId,
        VlstreamTopics topics,
        String transactionalIdPrefix,
        Duration transactionTimeout)
        implements Serializable {

    /** Reads and checks {@link KafkaOptions}. */
    public static KafkaSettings from(Configuration conf) {
        KafkaSettings kafka =
                new KafkaSettings(
                        conf.get(KafkaOptions.BOOTSTRAP_SERVERS),
                        properties(conf.get(KafkaOptions.KAFKA_PROPERTIES_FILE)),
                        conf.get(KafkaOptions.GROUP_ID),
                        new VlstreamTopics(
                                conf.get(KafkaOptions.TOPIC_FRAMES),
                                conf.get(KafkaOptions.TOPIC_INSTRUCTIONS),
                                conf.get(KafkaOptions.TOPIC_TEXTS),
                                conf.get(KafkaOptions.TOPIC_CAPTIONS),
                                conf.get(KafkaOptions.TOPIC_SCORES),
                                conf.get(KafkaOptions.TOPIC_DLQ)),
                        conf.get(KafkaOptions.TRANSACTIONAL_ID_PREFIX),
                        conf.get(KafkaOptions.TRANSACTION_TIMEOUT));
        require(
                !kafka.bootstrapServers.isBlank(),
                KafkaOptions.BOOTSTRAP_SERVERS.key(),
                "is empty");
        require(
                kafka.transactionTimeout.compareTo(Duration.ofMinutes(15)) <= 0
                        || kafka.properties.containsKey("transaction.timeout.ms"),
                KafkaOptions.TRANSACTION_TIMEOUT.key(),
                "exceeds the brokers' default transaction.max.timeout.ms of 15 min; lower it or"
                        + " raise the brokers' limit and set transaction.timeout.ms explicitly");
        return kafka;
    }

    /** The producer's {@code max.request.size}: what every output record must fit. */
    public int maxRequestBytes() {
        String value = properties.getProperty("max.request.size", "1048576");
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Kafka property max.request.size is not a number: '" + value + "'", e);
        }
    }

    private static Properties properties(String file) {
        Properties properties = new Properties();
        if (file == null || file.isBlank()) {
            return properties;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot read Kafka properties file '"
                            + file
                            + "' ("
                            + KafkaOptions.KAFKA_PROPERTIES_FILE.key()
                            + "): "
                            + e.getMessage(),
                    e);
        }
        return properties;
    }
}
