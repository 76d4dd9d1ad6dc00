package io.vlstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.serde.AvroCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A reader that stays connected through a broker restart reads each record once. */
class TopicReaderTest {

    @Test
    void aBrokerRestartDoesNotMakeTheReaderReadTheTopicAgain() throws Exception {
        Path data = Files.createTempDirectory("vlstream-topic-reader-");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().withDataDir(data).start();
        try {
            try (Admin admin =
                    Admin.create(
                            Map.of(
                                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                    broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("dlq", 2, (short) 1))).all().get();
            }
            try (TopicReader<DeadLetter> reader =
                    new TopicReader<>(broker.bootstrapServers(), "dlq", DeadLetter.class, null)) {
                publish(broker, 0, 5);
                reader.await(r -> r.size() >= 5, Duration.ofSeconds(30));

                int port = broker.port();
                int controllerPort = broker.controllerPort();
                broker.close();
                Thread.sleep(8_000);
                broker =
                        EmbeddedKafkaBroker.builder()
                                .withPort(port)
                                .withControllerPort(controllerPort)
                                .withDataDir(data)
                                .start();
                publish(broker, 5, 10);

                List<DeadLetter> read = reader.await(r -> r.size() >= 10, Duration.ofSeconds(60));
                Thread.sleep(3_000);
                assertThat(reader.records())
                        .hasSize(10)
                        .extracting(DeadLetter::getMessage)
                        .doesNotHaveDuplicates();
                assertThat(read).hasSizeGreaterThanOrEqualTo(10);
            }
        } finally {
            broker.close();
            EmbeddedKafkaBroker.deleteRecursively(data);
        }
    }

    private static void publish(EmbeddedKafkaBroker broker, int from, int to) throws Exception {
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                DeadLetter letter =
                        DeadLetter.newBuilder()
                                .setSourceTopic("frames")
                                .setSourcePartition(0)
                                .setSourceOffset(i)
                                .setReason(ReasonCode.MALFORMED_RECORD)
                                .setMessage("letter " + i)
                                .setStage("test")
                                .setPayloadHead(java.nio.ByteBuffer.wrap(new byte[0]))
                                .setPayloadSize(0)
                                .setFailedAtMicros(1)
                                .build();
                producer.send(
                                new ProducerRecord<>(
                                        "dlq",
                                        "k" + i,
                                        AvroCodec.of(DeadLetter.class).encode(letter)))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }
}
