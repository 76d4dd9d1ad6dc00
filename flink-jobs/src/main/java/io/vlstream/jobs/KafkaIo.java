package io.vlstream.jobs;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.avro.internal.TextEnvelope;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.kafka.FrameEnvelopeDeserializer;
import io.vlstream.kafka.InstructionEnvelopeDeserializer;
import io.vlstream.kafka.TextEnvelopeDeserializer;
import io.vlstream.kafka.WallClockTimestamps;
import io.vlstream.serde.AvroRecordSerializationSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The job's Kafka sources and exactly-once sinks, built from {@link JobSettings}. */
public final class KafkaIo {

    /**
     * Every source reads only committed records, whatever the properties file says: a producer's
     * aborted transaction (a camera gateway that crashed mid-transaction) never reaches the job.
     */
    static final String READ_COMMITTED = "read_committed";

    private KafkaIo() {}

    /** Limits checked on every record read, before decoding. */
    public static DecodeLimits limits(JobSettings settings) {
        return new DecodeLimits(
                settings.frames().maxRecordBytes(),
                settings.frames().maxImageWidth(),
                settings.frames().maxImageHeight(),
                (long) settings.frames().maxImageWidth() * settings.frames().maxImageHeight());
    }

    /** Frames, from the committed offsets of the frames group (earliest on first start). */
    public static KafkaSource<FrameEnvelope> frames(JobSettings settings) {
        return KafkaSource.<FrameEnvelope>builder()
                .setBootstrapServers(settings.kafka().bootstrapServers())
                .setProperties(settings.kafka().properties())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
                .setTopics(settings.kafka().topics().frames())
                .setGroupId(settings.kafka().groupId() + "-frames")
                .setClientIdPrefix(settings.kafka().groupId() + "-frames")
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(
                        new FrameEnvelopeDeserializer(limits(settings), settings.limits().inputs()))
                .build();
    }

    /**
     * Instructions, always from the beginning of the compacted topic: on a fresh start every
     * instruction still active must be known (on a restore, the checkpoint's offsets win).
     */
    public static KafkaSource<InstructionEnvelope> instructions(JobSettings settings) {
        return KafkaSource.<InstructionEnvelope>builder()
                .setBootstrapServers(settings.kafka().bootstrapServers())
                .setProperties(settings.kafka().properties())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
                .setTopics(settings.kafka().topics().instructions())
                .setGroupId(settings.kafka().groupId() + "-instructions")
                .setClientIdPrefix(settings.kafka().groupId() + "-instructions")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(
                        new InstructionEnvelopeDeserializer(
                                limits(settings), settings.limits().inputs()))
                .build();
    }

    /** Timed texts, from the committed offsets of the texts group (earliest on first start). */
    public static KafkaSource<TextEnvelope> texts(JobSettings settings) {
        return KafkaSource.<TextEnvelope>builder()
                .setBootstrapServers(settings.kafka().bootstrapServers())
                .setProperties(settings.kafka().properties())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, READ_COMMITTED)
                .setTopics(settings.kafka().topics().texts())
                .setGroupId(settings.kafka().groupId() + "-texts")
                .setClientIdPrefix(settings.kafka().groupId() + "-texts")
                .setStartingOffsets(
                        OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(
                        new TextEnvelopeDeserializer(limits(settings), settings.limits().inputs()))
                .build();
    }

    public static KafkaSink<GroundedCaption> captions(JobSettings settings) {
        return sink(
                settings,
                settings.kafka().topics().captions(),
                GroundedCaption.class,
                c -> utf8(c.getStreamId()),
                "captions");
    }

    public static KafkaSink<AlignmentScore> scores(JobSettings settings) {
        return sink(
                settings,
                settings.kafka().topics().scores(),
                AlignmentScore.class,
                s -> utf8(s.getStreamId()),
                "scores");
    }

    public static KafkaSink<DeadLetter> deadLetters(JobSettings settings) {
        return sink(
                settings,
                settings.kafka().topics().dlq(),
                DeadLetter.class,
                d -> d.getSourceKey() == null ? null : bytes(d.getSourceKey()),
                "dlq");
    }

    /**
     * An exactly-once sink: records become visible to read_committed consumers on checkpoints. Each
     * record's Kafka timestamp is the wall clock when it is sent, never a frame's pts: a camera
     * clock ahead of the broker's would otherwise make the broker refuse it (see {@link
     * WallClockTimestamps}).
     */
    private static <T extends SpecificRecord> KafkaSink<T> sink(
            JobSettings settings,
            String topic,
            Class<T> recordClass,
            SerializationSchema<T> key,
            String name) {
        Properties producer = new Properties();
        producer.putAll(settings.kafka().properties());
        producer.putIfAbsent(
                "transaction.timeout.ms",
                String.valueOf(settings.kafka().transactionTimeout().toMillis()));
        producer.putIfAbsent("compression.type", "lz4");
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.kafka().bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(
                        new WallClockTimestamps<>(
                                KafkaRecordSerializationSchema.<T>builder()
                                        .setTopic(topic)
                                        .setKeySerializationSchema(key)
                                        .setValueSerializationSchema(
                                                new AvroRecordSerializationSchema<>(recordClass))
                                        .build()))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(settings.kafka().transactionalIdPrefix() + "-" + name)
                .build();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
