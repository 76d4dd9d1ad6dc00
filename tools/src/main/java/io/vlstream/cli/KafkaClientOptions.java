package io.vlstream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every tool shares ({@code --bootstrap-servers}, {@code
 * --kafka-properties}, {@code --kafka-timeout}), and the client settings built from them.
 *
 * <p>The properties file comes first (SASL, SSL, client.id, ...); the command line and the settings
 * a tool relies on (acks, idempotence, isolation level) are put over it.
 */
final class KafkaClientOptions {

    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,...]",
            description =
                    "Kafka brokers (default: bootstrap.servers from --kafka-properties, else "
                            + DEFAULT_BOOTSTRAP
                            + ").")
    String bootstrapServers;

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description =
                    "Java properties file of extra Kafka client settings (SASL, SSL, client.id,"
                            + " ...), passed to the Kafka client as they are.")
    Path propertiesFile;

    @Option(
            names = "--kafka-timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "How long to wait for Kafka to answer before giving up (default:"
                            + " ${DEFAULT-VALUE}; or 500ms, 2min, ...).")
    Duration timeout;

    /** The properties file's settings (none without a file) with the bootstrap servers set. */
    Properties common() {
        Properties props = load(propertiesFile);
        String servers =
                bootstrapServers != null
                        ? bootstrapServers
                        : props.getProperty(
                                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        return props;
    }

    /** The Kafka brokers these settings connect to. */
    String servers() {
        return common().getProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }

    /**
     * Settings for a producer that loses nothing and writes nothing twice: {@code acks=all} and
     * idempotence are always on; sending blocks at most {@code --kafka-timeout}. Large frames fit:
     * the request limit is raised to 8 MiB (the job's default record limit) unless the file sets
     * one.
     */
    Properties producer(String defaultClientId) {
        Properties props = common();
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, defaultClientId);
        props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(8 << 20));
        props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout.toMillis()));
        return props;
    }

    /**
     * Settings for a consumer that assigns partitions itself (no consumer group, nothing
     * committed).
     */
    Properties consumer(String defaultClientId, boolean readCommitted) {
        Properties props = common();
        props.putIfAbsent(CommonClientConfigs.CLIENT_ID_CONFIG, defaultClientId);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                readCommitted ? "read_committed" : "read_uncommitted");
        props.put(
                CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG,
                String.valueOf(timeout.toMillis()));
        return props;
    }

    /** Settings for the admin client that checks the cluster answers and the topics exist. */
    Properties admin() {
        Properties props = common();
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(millis));
        return props;
    }

    static Properties load(Path file) {
        Properties props = new Properties();
        if (file == null) {
            return props;
        }
        if (!Files.isRegularFile(file)) {
            throw new UserError("Kafka properties file " + file + " does not exist");
        }
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserError(
                    "Cannot read Kafka properties file " + file + ": " + e.getMessage());
        }
        return props;
    }
}
