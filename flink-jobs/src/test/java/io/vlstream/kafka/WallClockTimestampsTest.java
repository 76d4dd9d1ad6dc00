package io.vlstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.serde.AvroCodec;
import io.vlstream.serde.AvroRecordSerializationSchema;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Output records never carry a frame's pts as their Kafka timestamp: the producer stamps them. */
class WallClockTimestampsTest {

    @Test
    void theElementTimestampIsDroppedAndTheRecordKept() {
        KafkaRecordSerializationSchema<DeadLetter> records =
                KafkaRecordSerializationSchema.<DeadLetter>builder()
                        .setTopic("vlstream.dlq")
                        .setKeySerializationSchema(
                                d -> d.getStage().getBytes(StandardCharsets.UTF_8))
                        .setValueSerializationSchema(
                                new AvroRecordSerializationSchema<>(DeadLetter.class))
                        .build();
        DeadLetter letter =
                DeadLetter.newBuilder()
                        .setSourceTopic("vlstream.frames")
                        .setSourcePartition(0)
                        .setSourceOffset(3)
                        .setReason(ReasonCode.INVALID_ID)
                        .setMessage("m")
                        .setStage("decode-frames")
                        .setPayloadHead(ByteBuffer.allocate(0))
                        .setPayloadSize(0)
                        .setFailedAtMicros(1)
                        .build();
        // A camera three days ahead: a broker allowing 1 h would refuse this timestamp.
        long threeDaysAhead = System.currentTimeMillis() + 3 * 24 * 3_600_000L;

        assertThat(records.serialize(letter, null, threeDaysAhead).timestamp())
                .isEqualTo(threeDaysAhead);
        ProducerRecord<byte[], byte[]> sent =
                new WallClockTimestamps<>(records).serialize(letter, null, threeDaysAhead);

        assertThat(sent.timestamp()).isNull();
        assertThat(sent.topic()).isEqualTo("vlstream.dlq");
        assertThat(new String(sent.key(), StandardCharsets.UTF_8)).isEqualTo("decode-frames");
        assertThat(AvroCodec.of(DeadLetter.class).decode(sent.value())).isEqualTo(letter);
    }
}
