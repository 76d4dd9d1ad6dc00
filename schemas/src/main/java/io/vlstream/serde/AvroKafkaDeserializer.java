package io.vlstream.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer reading a generated record from single-object encoding; a null value (a
 * tombstone) stays null. Bad bytes throw {@link AvroDecodeException}, which the consumer reports as
 * a {@code RecordDeserializationException}; for untrusted input decode in the job instead, where a
 * bad record can go to the DLQ.
 */
public final class AvroKafkaDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final AvroCodec<T> codec;

    public AvroKafkaDeserializer(Class<T> type) {
        this(AvroCodec.of(type));
    }

    public AvroKafkaDeserializer(AvroCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }
}
