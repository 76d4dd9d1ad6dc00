package io.vlstream.kafka;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Sends every record with the producer's wall clock as its Kafka timestamp instead of the Flink
 * element's (a frame's pts). Brokers refuse records timestamped more than {@code
 * message.timestamp.after.max.ms} (1 h by default) ahead of their clock, and the Kafka sink fails
 * the job on that: event time stays in the records' own fields.
 */
public final class WallClockTimestamps<T> implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final KafkaRecordSerializationSchema<T> records;

    public WallClockTimestamps(KafkaRecordSerializationSchema<T> records) {
        this.records = records;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sink)
            throws Exception {
        records.open(context, sink);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long timestamp) {
        ProducerRecord<byte[], byte[]> record = records.serialize(element, context, null);
        // A null timestamp: the producer stamps the record when it sends it.
        return record.timestamp() == null
                ? record
                : new ProducerRecord<>(
                        record.topic(),
                        record.partition(),
                        null,
                        record.key(),
                        record.value(),
                        record.headers());
    }
}
