package io.vlstream.kafka;

import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.Failure;
import io.vlstream.deadletter.Failures;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.Decoded;
import io.vlstream.decode.FieldChecks;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.RecordDecoder;
import io.vlstream.decode.Violation;
import io.vlstream.internal.WallClock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads a Kafka record into an envelope that holds the decoded record or why it could not be
 * decoded, with its topic, partition and offset. The key and the value's size are checked before
 * the value is decoded. Never throws on bad input: a record that cannot be read must reach the DLQ,
 * not restart the job.
 *
 * @param <R> the record type on the topic
 * @param <E> the envelope type the job works with
 */
abstract class EnvelopeDeserializer<R extends SpecificRecord, E>
        implements KafkaRecordDeserializationSchema<E> {

    private final Class<R> recordClass;
    private final Class<E> envelopeClass;
    private final DecodeLimits limits;
    private final InputLimits fields;
    private transient RecordDecoder<R> decoder;

    EnvelopeDeserializer(
            Class<R> recordClass, Class<E> envelopeClass, DecodeLimits limits, InputLimits fields) {
        this.recordClass = recordClass;
        this.envelopeClass = envelopeClass;
        this.limits = limits;
        this.fields = fields;
    }

    /** The field limits records of this topic are checked against. */
    InputLimits fields() {
        return fields;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<E> out) {
        if (decoder == null) {
            decoder = RecordDecoder.of(recordClass, limits);
        }
        SourceRef source = new SourceRef(record.topic(), record.partition(), record.offset());
        long now = WallClock.nowMicros();
        Violation key = FieldChecks.key(record.key(), fields.maxKeyBytes());
        if (key != null) {
            out.collect(
                    envelope(
                            source,
                            now,
                            null,
                            record.value(),
                            null,
                            Failures.of(
                                    key.reason(), key.message(), record.value(), record.key())));
            return;
        }
        if (record.value() == null && isTombstoneAllowed()) {
            out.collect(envelope(source, now, record.key(), null, null, null));
            return;
        }
        Decoded<R> decoded = decoder.decode(record.value(), record.key());
        out.collect(
                envelope(
                        source,
                        now,
                        record.key(),
                        record.value(),
                        decoded.isOk() ? decoded.value() : null,
                        decoded.isOk() ? null : decoded.failure()));
    }

    /** Whether a null value is a tombstone (compacted topics) rather than an empty payload. */
    boolean isTombstoneAllowed() {
        return false;
    }

    /**
     * @param value the record's bytes as read (null for a tombstone)
     * @param record the decoded record, or null
     * @param failure why it could not be decoded, or null
     */
    abstract E envelope(
            SourceRef source,
            long receivedAtMicros,
            byte[] key,
            byte[] value,
            R record,
            Failure failure);

    @Override
    public TypeInformation<E> getProducedType() {
        return TypeInformation.of(envelopeClass);
    }
}
