package io.vlstream.local;

import io.vlstream.serde.AvroKafkaDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one output topic from the beginning with {@code isolation.level=read_committed} on a
 * background thread, collecting (and optionally printing) what the job committed. It assigns itself
 * every partition, without a consumer group: a group's rebalance (after a broker restart) would
 * start a reader that commits nothing over from the beginning, and read everything twice.
 */
public final class TopicReader<T extends SpecificRecord> implements AutoCloseable {

    private final List<T> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public TopicReader(
            String bootstrapServers, String topic, Class<T> recordClass, Consumer<T> onRecord) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, T> consumer =
                new KafkaConsumer<>(
                        props, new StringDeserializer(), new AvroKafkaDeserializer<>(recordClass));
        List<TopicPartition> partitions = new ArrayList<>();
        try {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        } catch (RuntimeException e) {
            consumer.close();
            throw new IllegalStateException("Cannot read the partitions of " + topic, e);
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        thread =
                new Thread(
                        () -> {
                            try (consumer) {
                                while (running) {
                                    for (ConsumerRecord<String, T> r :
                                            consumer.poll(Duration.ofMillis(200))) {
                                        records.add(r.value());
                                        if (onRecord != null) {
                                            onRecord.accept(r.value());
                                        }
                                    }
                                }
                            } catch (RuntimeException e) {
                                failure = e;
                            }
                        },
                        "read-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Everything read so far. */
    public List<T> records() {
        checkHealthy();
        return new ArrayList<>(records);
    }

    /** Waits until {@code done} holds for the records read, or the timeout passes. */
    public List<T> await(Predicate<List<T>> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<T> snapshot = records();
            if (done.test(snapshot)) {
                return snapshot;
            }
            Thread.sleep(100);
        }
        return records();
    }

    private void checkHealthy() {
        if (failure != null) {
            throw new IllegalStateException("Reading the topic failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
