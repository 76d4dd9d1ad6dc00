package io.vlstream.serde;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/** Kafka serializer writing a generated record in single-object encoding; null stays null. */
public final class AvroKafkaSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final AvroCodec<T> codec;

    public AvroKafkaSerializer(Class<T> type) {
        this(AvroCodec.of(type));
    }

    public AvroKafkaSerializer(AvroCodec<T> codec) {
        this.codec = codec;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }
}
