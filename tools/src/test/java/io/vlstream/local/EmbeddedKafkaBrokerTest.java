package io.vlstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.kafka.VlstreamTopics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real KRaft broker: topic creation, and transactions as Flink's exactly-once sink uses them. */
class EmbeddedKafkaBrokerTest {

    private static EmbeddedKafkaBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = EmbeddedKafkaBroker.start();
        admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                broker.bootstrapServers()));
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            Path dir = broker.dataDir();
            broker.close();
            assertThat(dir).doesNotExist();
        }
    }

    @Test
    void createsTheTopicSetWithACompactedSinglePartitionInstructionsTopic() throws Exception {
        VlstreamTopics topics = VlstreamTopics.withPrefix("created.");

        Set<String> created = topics.createIfMissing(admin, 3);

        assertThat(created).containsExactlyElementsOf(topics.all());
        Map<String, TopicDescription> described =
                admin.describeTopics(topics.all()).allTopicNames().get();
        assertThat(described.get("created.frames").partitions()).hasSize(3);
        assertThat(described.get("created.dlq").partitions()).hasSize(3);
        assertThat(described.get("created.instructions").partitions()).hasSize(1);
        assertThat(cleanupPolicy("created.instructions")).isEqualTo("compact");
        assertThat(cleanupPolicy("created.frames")).isEqualTo("delete");

        // A second call finds everything in place and creates nothing.
        assertThat(topics.createIfMissing(admin, 3)).isEmpty();
    }

    @Test
    void createsOnlyTheMissingTopicsAndKeepsExistingOnes() throws Exception {
        VlstreamTopics topics = VlstreamTopics.withPrefix("partly.");
        // Created behind vlstream's back, just before it looks: the broker may not know them yet.
        admin.createTopics(List.of(new NewTopic("partly.frames", 5, (short) 1))).all().get();
        // Not compacted: tolerated (with a warning in the log), not changed.
        admin.createTopics(List.of(new NewTopic("partly.instructions", 1, (short) 1))).all().get();

        Set<String> created = topics.createIfMissing(admin, 2);

        assertThat(created)
                .containsExactly("partly.texts", "partly.captions", "partly.scores", "partly.dlq");
        assertThat(
                        admin.describeTopics(List.of("partly.frames"))
                                .allTopicNames()
                                .get()
                                .get("partly.frames")
                                .partitions())
                .hasSize(5);
        assertThat(cleanupPolicy("partly.instructions")).isEqualTo("delete");
    }

    @Test
    void readCommittedConsumersSeeCommittedTransactionsOnly() throws Exception {
        String topic = "transactions";
        admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "vlstream-test-tx");
        // What the Flink Kafka sink asks for by default; a stock broker refuses more than 15 min.
        producerProps.put(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofHours(1).toMillis());
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(
                        producerProps, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "cam-1", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "cam-2", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "cam-1", "aborted-1"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "cam-2", "committed-3"));
            producer.commitTransaction();
        }

        assertThat(readAll(topic, "read_committed", 3))
                .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
        assertThat(readAll(topic, "read_uncommitted", 4)).contains("aborted-1");
    }

    @Test
    void keepsAGivenDataDirAndRestartsFromIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path data = dir.resolve("kafka");
        String clusterId;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().withDataDir(data).start()) {
            clusterId = first.clusterId();
            try (Admin a =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    first.bootstrapServers()))) {
                a.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get();
            }
        }
        assertThat(data).isDirectory();
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().withDataDir(data).start();
                Admin a =
                        Admin.create(
                                Map.of(
                                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        second.bootstrapServers()))) {
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(a.listTopics().names().get()).contains("kept");
        }
        try (var files = Files.list(data)) {
            assertThat(files).isNotEmpty();
        }
    }

    @Test
    void aTakenPortIsNamedInTheError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().withPort(port).start())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("port 127.0.0.1:" + port + " is not free");
        }
    }

    private static String cleanupPolicy(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        return config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    }

    private static List<String> readAll(String topic, String isolation, int atLeast) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + isolation);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // Poll until the expected records arrived, then once more so extra ones would show.
            boolean extraPoll = false;
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() >= atLeast) {
                    if (extraPoll) {
                        break;
                    }
                    extraPoll = true;
                }
            }
        }
        return values;
    }
}
