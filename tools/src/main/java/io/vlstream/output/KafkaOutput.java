package io.vlstream.output;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.jobs.JobSettings;
import io.vlstream.serde.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads vlstream's output topics from Kafka up to their current end, committed records only ({@code
 * read_committed}, so aborted transactions never show), without joining a consumer group.
 */
public final class KafkaOutput {

    private KafkaOutput() {}

    /** Reads captions, scores and dead letters as they are now. */
    public static VlstreamOutput read(JobSettings settings, Duration timeout) {
        return new VlstreamOutput(
                readTopic(
                        settings,
                        settings.kafka().topics().captions(),
                        GroundedCaption.class,
                        timeout),
                readTopic(
                        settings,
                        settings.kafka().topics().scores(),
                        AlignmentScore.class,
                        timeout),
                readTopic(settings, settings.kafka().topics().dlq(), DeadLetter.class, timeout));
    }

    /** Every committed record of {@code topic}, from the beginning to the end seen at the start. */
    public static <T extends SpecificRecord> List<T> readTopic(
            JobSettings settings, String topic, Class<T> type, Duration timeout) {
        Properties props = new Properties();
        props.putAll(settings.kafka().properties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafka().bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<byte[], T> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new AvroKafkaDeserializer<>(type))) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, timeout).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            if (partitions.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // With read_committed, the end offsets are the last stable offsets.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "Could not read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<byte[], T> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        records.add(r.value());
                    }
                }
            }
        }
        return records;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }
}
