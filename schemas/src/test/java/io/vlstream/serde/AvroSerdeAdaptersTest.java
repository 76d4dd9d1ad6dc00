package io.vlstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** The Kafka and Flink adapters around {@link AvroCodec}. */
class AvroSerdeAdaptersTest {

    @Test
    void kafkaSerdeRoundTripsAndKeepsTombstones() {
        try (var serializer = new AvroKafkaSerializer<>(Instruction.class);
                var deserializer = new AvroKafkaDeserializer<>(Instruction.class)) {
            Instruction instruction = AvroCodecTest.populated(Instruction.class);

            byte[] bytes = serializer.serialize("vlstream.instructions", instruction);

            assertThat(deserializer.deserialize("vlstream.instructions", bytes))
                    .isEqualTo(instruction);
            assertThat(serializer.serialize("vlstream.instructions", null)).isNull();
            assertThat(deserializer.deserialize("vlstream.instructions", null)).isNull();
        }
    }

    @Test
    void kafkaDeserializerReportsTheReason() {
        try (var deserializer = new AvroKafkaDeserializer<>(VideoFrame.class)) {
            AvroCodecTest.assertReason(
                    () -> deserializer.deserialize("vlstream.frames", new byte[] {1, 2, 3}),
                    ReasonCode.NOT_SINGLE_OBJECT_AVRO);
        }
    }

    @Test
    void flinkSchemasSurviveJavaSerializationAndRoundTrip() throws Exception {
        var serialization = copy(new AvroRecordSerializationSchema<>(VideoFrame.class));
        var deserialization = copy(new AvroRecordDeserializationSchema<>(VideoFrame.class));
        VideoFrame frame = SampleRecords.frame();

        byte[] bytes = serialization.serialize(frame);

        assertThat(deserialization.deserialize(bytes)).isEqualTo(frame);
        assertThat(deserialization.deserialize(null)).isNull();
        assertThat(deserialization.isEndOfStream(frame)).isFalse();
    }

    @Test
    void flinkDeserializationSchemaKnowsAnExtraDirectory() throws Exception {
        var deserialization =
                copy(
                        new AvroRecordDeserializationSchema<>(
                                VideoFrame.class, SchemaEvolutionTest.NEXT_SCHEMAS.toString()));
        SchemaCatalog withNext =
                SchemaCatalog.fromClassPath().withDirectory(SchemaEvolutionTest.NEXT_SCHEMAS);
        var next = withNext.versions().get(withNext.versions().size() - 1).schema();
        var record = new org.apache.avro.generic.GenericRecordBuilder(next);
        VideoFrame frame = SampleRecords.frame();
        for (var field : frame.getSchema().getFields()) {
            record.set(field.name(), frame.get(field.pos()));
        }
        record.set("cameraId", "cam-1");

        byte[] bytes = AvroCodec.generic(next, withNext).encode(record.build());

        assertThat(deserialization.deserialize(bytes)).isEqualTo(frame);
    }

    @SuppressWarnings("unchecked")
    private static <S> S copy(S object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (S) in.readObject();
        }
    }
}
