package io.vlstream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.VideoFrame;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * Records written with another version of a schema resolve to the reader's, the writer's schema
 * coming from the catalog (class-path history, or a directory), never passed by hand.
 */
class SchemaEvolutionTest {

    /** Newer producers' schemas, known only to readers given this directory. */
    static final Path NEXT_SCHEMAS = Path.of("src/test/schemas-next");

    private static final String FRAME = "io.vlstream.avro.VideoFrame";

    @Test
    void currentReaderFillsDefaultsForAnOlderWriter() {
        Schema old = historical(FRAME, "history/0.0.1/");
        assertThat(old.getField("metadata")).as("fixture predates metadata").isNull();
        GenericRecord written = genericFrame(old);
        byte[] bytes = AvroCodec.generic(old, SchemaCatalog.fromClassPath()).encode(written);

        VideoFrame read = AvroCodec.of(VideoFrame.class).decode(bytes);

        assertThat(read.getStreamId()).isEqualTo("gate-3");
        assertThat(read.getSequence()).isEqualTo(7L);
        assertThat(read.getWidth()).isEqualTo(640);
        assertThat(read.getImage()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(read.getMetadata()).isEmpty();
    }

    @Test
    void currentReaderIgnoresTheFieldsOfANewerWriter() {
        SchemaCatalog withNext = SchemaCatalog.fromClassPath().withDirectory(NEXT_SCHEMAS);
        Schema next =
                withNext.versions().stream()
                        .map(SchemaCatalog.Version::schema)
                        .filter(s -> s.getField("cameraId") != null)
                        .findFirst()
                        .orElseThrow();
        GenericRecord written = genericFrame(next);
        written.put("metadata", Map.of("site", "depot"));
        written.put("cameraId", "cam-9");
        byte[] bytes = AvroCodec.generic(next, withNext).encode(written);

        VideoFrame read = AvroCodec.of(VideoFrame.class, NEXT_SCHEMAS).decode(bytes);

        assertThat(read.getStreamId()).isEqualTo("gate-3");
        assertThat(read.getHeight()).isEqualTo(480);
        assertThat(read.getMetadata()).containsEntry("site", "depot");
    }

    @Test
    void aNewerWriterUnknownToTheReaderIsWrongSchema() {
        SchemaCatalog withNext = SchemaCatalog.fromClassPath().withDirectory(NEXT_SCHEMAS);
        Schema next =
                withNext.versions().stream()
                        .map(SchemaCatalog.Version::schema)
                        .filter(s -> s.getField("cameraId") != null)
                        .findFirst()
                        .orElseThrow();
        byte[] bytes = AvroCodec.generic(next, withNext).encode(genericFrame(next));

        AvroCodecTest.assertReason(
                () -> AvroCodec.of(VideoFrame.class).decode(bytes), ReasonCode.WRONG_SCHEMA);
    }

    @Test
    void olderReaderReadsWhatTheCurrentClassWrites() {
        Schema old = historical(FRAME, "history/0.0.1/");
        byte[] bytes = AvroCodec.of(VideoFrame.class).encode(SampleRecords.frame());

        GenericRecord read = AvroCodec.generic(old).decode(bytes);

        assertThat(read.getSchema()).isEqualTo(old);
        assertThat(read.get("streamId")).hasToString("lobby-1");
        assertThat(read.get("sequence")).isEqualTo(42L);
        assertThat(read.get("mediaType")).hasToString("image/jpeg");
        assertThat(read.hasField("metadata")).isFalse();
    }

    private static Schema historical(String fullName, String originPart) {
        return SchemaCatalog.fromClassPath().versions().stream()
                .filter(v -> v.origin().contains(originPart))
                .map(SchemaCatalog.Version::schema)
                .filter(s -> s.getFullName().equals(fullName))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No " + fullName + " in " + originPart));
    }

    private static GenericRecord genericFrame(Schema schema) {
        GenericRecord record = new GenericData.Record(schema);
        record.put("streamId", "gate-3");
        record.put("sequence", 7L);
        record.put("ptsMicros", 1_000L);
        record.put("width", 640);
        record.put("height", 480);
        record.put("mediaType", "image/png");
        record.put("image", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        if (schema.getField("metadata") != null) {
            record.put("metadata", Map.of());
        }
        return record;
    }
}
