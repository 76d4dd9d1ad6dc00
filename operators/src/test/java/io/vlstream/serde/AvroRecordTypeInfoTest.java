package io.vlstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.VideoFrame;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/**
 * Where flink-avro is on the class path (operators, jobs), records get Avro serializers, not Kryo.
 */
class AvroRecordTypeInfoTest {

    @Test
    void producedTypeIsAvroNotKryo() {
        var type = new AvroRecordDeserializationSchema<>(VideoFrame.class).getProducedType();

        assertThat(type).isInstanceOf(AvroTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThat(type.createSerializer(config)).isNotNull();
    }
}
