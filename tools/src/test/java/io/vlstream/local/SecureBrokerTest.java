package io.vlstream.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.kafka.VlstreamTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with SCRAM-SHA-512 over TLS and ACLs: a role's user does what its ACLs grant,
 * and a client without TLS and a login is not served at all. (Wrong passwords, unknown CAs and
 * missing ACLs, through vlstream's tools: SecureKafkaITCase.)
 */
class SecureBrokerTest {

    private static final Duration FAST = Duration.ofSeconds(20);

    @TempDir static Path dir;
    private static ScramTls tls;
    private static EmbeddedKafkaBroker broker;
    private static VlstreamTopics topics = VlstreamTopics.defaults();

    @BeforeAll
    static void start() throws Exception {
        tls = ScramTls.create(dir.resolve("tls"), List.of(RoleAcls.PRODUCER, RoleAcls.READER));
        broker = EmbeddedKafkaBroker.builder().withScramTls(tls).start();
        try (Admin admin = Admin.create(client(tls.clientProperties(ScramTls.ADMIN)))) {
            topics.createIfMissing(admin, 1);
            admin.createAcls(RoleAcls.of(topics, "vlstream", "vlstream"))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aProducerWritesFramesAsItsRole() throws Exception {
        try (KafkaProducer<String, String> producer =
                producer(tls.clientProperties(RoleAcls.PRODUCER))) {
            var sent =
                    producer.send(new ProducerRecord<>(topics.frames(), "cam", "x"))
                            .get(20, TimeUnit.SECONDS);
            assertThat(sent.offset()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void plaintextClientsAreNotServed() {
        Properties plain = new Properties();
        // A plaintext client gets no metadata, ever: it times out (here after 3 s).
        plain.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        assertThatThrownBy(
                        () -> {
                            try (KafkaProducer<String, String> producer = producer(plain)) {
                                producer.send(new ProducerRecord<>(topics.frames(), "cam", "x"))
                                        .get(20, TimeUnit.SECONDS);
                            }
                        })
                .cause()
                .isInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                .hasMessageContaining("not present in metadata");
    }

    private static Properties client(Properties security) {
        Properties props = new Properties();
        props.putAll(security);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return props;
    }

    private static KafkaProducer<String, String> producer(Properties security) {
        Properties props = client(security);
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(FAST.toMillis()));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(FAST.toMillis()));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
