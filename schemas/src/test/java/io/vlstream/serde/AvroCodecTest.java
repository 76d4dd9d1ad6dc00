package io.vlstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.FrameEnvelope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class AvroCodecTest {

    static List<Class<? extends SpecificRecord>> topicRecords() {
        return List.of(
                VideoFrame.class,
                Instruction.class,
                TimedText.class,
                GroundedCaption.class,
                AlignmentScore.class,
                DeadLetter.class);
    }

    /** Every record type of the current schemas, internal ones included. */
    static List<String> allRecordNames() {
        return SchemaCatalog.fromClassPath().current().values().stream()
                .filter(s -> s.getType() == Schema.Type.RECORD)
                .map(Schema::getFullName)
                .toList();
    }

    @ParameterizedTest
    @MethodSource("topicRecords")
    <T extends SpecificRecord> void topicRecordsRoundTripWithTheirFingerprint(Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        T record = populated(type);

        byte[] bytes = codec.encode(record);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long fingerprint = SchemaNormalization.parsingFingerprint64(record.getSchema());
        for (int i = 0; i < 8; i++) {
            assertThat(bytes[2 + i]).isEqualTo((byte) (fingerprint >>> (8 * i)));
        }
        assertThat(codec.decode(bytes)).isEqualTo(record);
    }

    @ParameterizedTest
    @MethodSource("allRecordNames")
    void everyRecordTypeRoundTrips(String fullName) {
        Class<? extends SpecificRecord> type = classOf(fullName);
        roundTrip(type);
    }

    private <T extends SpecificRecord> void roundTrip(Class<T> type) {
        AvroCodec<T> codec = AvroCodec.of(type);
        T record = populated(type);
        assertThat(codec.decode(codec.encode(record))).isEqualTo(record);
    }

    @Test
    void classPathSchemasAreTheGeneratedOnes() {
        for (String name : allRecordNames()) {
            Schema generated = SpecificData.get().getSchema(classOf(name));
            assertThat(
                            SchemaNormalization.parsingFingerprint64(
                                    SchemaCatalog.fromClassPath().current().get(name)))
                    .as(name)
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
        }
    }

    @Test
    void emptyPayload() {
        AvroCodec<VideoFrame> codec = AvroCodec.of(VideoFrame.class);
        assertReason(() -> codec.decode(new byte[0]), ReasonCode.EMPTY_PAYLOAD);
        assertReason(() -> codec.decode(null), ReasonCode.EMPTY_PAYLOAD);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"streamId\": \"x\"}", "\u00c3", "C"})
    void bytesWithoutTheMarkerAreNotSingleObjectAvro(String text) {
        assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(text.getBytes(StandardCharsets.UTF_8)),
                ReasonCode.NOT_SINGLE_OBJECT_AVRO);
    }

    @Test
    void rawAvroWithoutHeaderIsNotSingleObjectAvro() throws IOException {
        VideoFrame frame = SampleRecords.frame();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(VideoFrame.class).write(frame, encoder);
        encoder.flush();
        assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(out.toByteArray()),
                ReasonCode.NOT_SINGLE_OBJECT_AVRO);
    }

    @Test
    void headerCutShortIsNotSingleObjectAvro() {
        byte[] bytes = AvroCodec.of(VideoFrame.class).encode(SampleRecords.frame());
        assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(Arrays.copyOf(bytes, 6)),
                ReasonCode.NOT_SINGLE_OBJECT_AVRO);
    }

    @Test
    void anotherRecordTypeIsWrongSchemaNamingBoth() {
        byte[] instruction = AvroCodec.of(Instruction.class).encode(populated(Instruction.class));

        assertThatThrownBy(() -> AvroCodec.of(VideoFrame.class).decode(instruction))
                .isInstanceOfSatisfying(
                        AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.WRONG_SCHEMA))
                .hasMessageContaining("io.vlstream.avro.Instruction")
                .hasMessageContaining("io.vlstream.avro.VideoFrame")
                .hasMessageContaining(
                        AvroCodec.hexFingerprint(
                                SchemaNormalization.parsingFingerprint64(
                                        Instruction.getClassSchema())));
    }

    @Test
    void unknownFingerprintIsWrongSchema() {
        byte[] bytes = AvroCodec.of(VideoFrame.class).encode(SampleRecords.frame());
        bytes[5] ^= 0x5A;
        assertThatThrownBy(() -> AvroCodec.of(VideoFrame.class).decode(bytes))
                .isInstanceOfSatisfying(
                        AvroDecodeException.class,
                        e -> assertThat(e.reason()).isEqualTo(ReasonCode.WRONG_SCHEMA))
                .hasMessageContaining("Unknown writer schema fingerprint 0x")
                .hasMessageContaining("io.vlstream.avro.VideoFrame");
    }

    @Test
    void truncatedBodyIsMalformed() {
        byte[] bytes = AvroCodec.of(VideoFrame.class).encode(SampleRecords.frame());
        assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(Arrays.copyOf(bytes, bytes.length - 4)),
                ReasonCode.MALFORMED_RECORD);
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] bytes = AvroCodec.of(VideoFrame.class).encode(SampleRecords.frame());
        assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(Arrays.copyOf(bytes, bytes.length + 3)),
                ReasonCode.MALFORMED_RECORD);
    }

    @Test
    void aHugeDeclaredLengthIsMalformedWithoutAllocatingIt() {
        // Header + streamId length as zig-zag varint 2^30 (1 GiB) with almost nothing after it.
        AvroCodec<VideoFrame> codec = AvroCodec.of(VideoFrame.class);
        byte[] header = Arrays.copyOf(codec.encode(SampleRecords.frame()), 10);
        byte[] bytes = Arrays.copyOf(header, 20);
        byte[] length = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        System.arraycopy(length, 0, bytes, 10, length.length);
        codec.decode(codec.encode(SampleRecords.frame()));
        long before = allocatedByThisThread();

        assertReason(() -> codec.decode(bytes), ReasonCode.MALFORMED_RECORD);

        assertThat(allocatedByThisThread() - before).isLessThan(1L << 20);
    }

    @Test
    void nullRequiredFieldIsRejectedWhenEncoding() {
        VideoFrame frame = SampleRecords.frame();
        frame.setStreamId(null);
        assertThatThrownBy(() -> AvroCodec.of(VideoFrame.class).encode(frame))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("VideoFrame");
    }

    @Test
    void oneCodecServesManyThreads() throws Exception {
        AvroCodec<FrameEnvelope> codec = AvroCodec.of(FrameEnvelope.class);
        FrameEnvelope envelope = populated(FrameEnvelope.class);
        byte[] bytes = codec.encode(envelope);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results =
                    pool.invokeAll(
                            java.util.Collections.nCopies(
                                    16,
                                    () -> {
                                        for (int i = 0; i < 200; i++) {
                                            if (!codec.decode(codec.encode(envelope))
                                                    .equals(envelope)) {
                                                return false;
                                            }
                                        }
                                        return Arrays.equals(codec.encode(envelope), bytes);
                                    }));
            for (Future<Boolean> result : results) {
                assertThat(result.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void assertReason(Runnable decode, ReasonCode reason) {
        assertThatThrownBy(decode::run)
                .isInstanceOfSatisfying(
                        AvroDecodeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> T populated(Class<T> type) {
        SpecificData model = SpecificData.getForClass(type);
        return (T) SampleRecords.populated(model.getSchema(type), model, 3);
    }

    @SuppressWarnings("unchecked")
    static Class<? extends SpecificRecord> classOf(String fullName) {
        try {
            return (Class<? extends SpecificRecord>) Class.forName(fullName);
        } catch (ClassNotFoundException e) {
            throw new AssertionError("No generated class for " + fullName, e);
        }
    }

    private static long allocatedByThisThread() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
