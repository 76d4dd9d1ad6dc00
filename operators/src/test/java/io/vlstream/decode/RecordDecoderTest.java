package io.vlstream.decode;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import io.vlstream.deadletter.Failures;
import io.vlstream.serde.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private static final byte[] KEY = "lobby-1".getBytes(StandardCharsets.UTF_8);

    private final AvroCodec<VideoFrame> codec = AvroCodec.of(VideoFrame.class);
    private final RecordDecoder<VideoFrame> decoder =
            RecordDecoder.of(VideoFrame.class, DecodeLimits.defaults());

    @Test
    void aValidFrameDecodes() {
        VideoFrame frame = Samples.jpegFrame(Samples.jpeg());

        Decoded<VideoFrame> decoded = decoder.decode(codec.encode(frame), KEY);

        assertThat(decoded.isOk()).isTrue();
        assertThat(decoded.failure()).isNull();
        assertThat(decoded.value()).isEqualTo(frame);
    }

    @Test
    void zeroLengthAndNullAreEmptyPayloads() {
        assertThat(failure(new byte[0]).getReason()).isEqualTo(ReasonCode.EMPTY_PAYLOAD);
        assertThat(failure(null).getReason()).isEqualTo(ReasonCode.EMPTY_PAYLOAD);
        assertThat(failure(null).getPayloadSize()).isZero();
    }

    @Test
    void anOversizedRecordIsRejectedBeforeDecoding() {
        byte[] value = codec.encode(Samples.jpegFrame(Samples.jpeg()));
        RecordDecoder<VideoFrame> strict =
                RecordDecoder.of(
                        VideoFrame.class, DecodeLimits.defaults().withMaxRecordBytes(4096));

        Failure failure = strict.decode(value, KEY).failure();

        assertThat(failure.getReason()).isEqualTo(ReasonCode.OVERSIZED_RECORD);
        assertThat(failure.getMessage()).contains(Integer.toString(value.length)).contains("4096");
        assertThat(failure.getPayloadSize()).isEqualTo(value.length);
        assertThat(failure.getPayloadHead())
                .isEqualTo(ByteBuffer.wrap(Arrays.copyOf(value, Failures.PAYLOAD_HEAD_BYTES)));
        assertThat(failure.getKey()).isEqualTo(ByteBuffer.wrap(KEY));
        // Size comes first: bytes that are not Avro at all are still "oversized".
        assertThat(strict.decode(new byte[5000], KEY).failure().getReason())
                .isEqualTo(ReasonCode.OVERSIZED_RECORD);
    }

    @Test
    void bytesThatAreNotAvroAreNotSingleObjectAvro() {
        Failure failure = failure(Samples.jpeg());
        assertThat(failure.getReason()).isEqualTo(ReasonCode.NOT_SINGLE_OBJECT_AVRO);
        assertThat(failure.getPayloadHead().remaining()).isEqualTo(256);
    }

    @Test
    void anInstructionIsTheWrongSchemaForTheFramesTopic() {
        Instruction instruction =
                Instruction.newBuilder()
                        .setInstructionId("i-1")
                        .setText("tell me when a person walks next to a van")
                        .build();

        Failure failure = failure(AvroCodec.of(Instruction.class).encode(instruction));

        assertThat(failure.getReason()).isEqualTo(ReasonCode.WRONG_SCHEMA);
        assertThat(failure.getMessage()).contains("Instruction").contains("VideoFrame");
    }

    @Test
    void aCutRecordIsMalformed() {
        byte[] value = codec.encode(Samples.jpegFrame(Samples.jpeg()));
        assertThat(failure(Arrays.copyOf(value, value.length / 2)).getReason())
                .isEqualTo(ReasonCode.MALFORMED_RECORD);
    }

    private Failure failure(byte[] value) {
        Decoded<VideoFrame> decoded = decoder.decode(value, KEY);
        assertThat(decoded.isOk()).as("decoded %s", decoded).isFalse();
        return decoded.failure();
    }
}
