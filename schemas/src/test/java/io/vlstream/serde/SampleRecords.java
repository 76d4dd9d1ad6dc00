package io.vlstream.serde;

import io.vlstream.avro.VideoFrame;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/** Records with every field set to a non-default value, for round trips. */
final class SampleRecords {

    private SampleRecords() {}

    static VideoFrame frame() {
        return VideoFrame.newBuilder()
                .setStreamId("lobby-1")
                .setSequence(42)
                .setPtsMicros(1_700_000_000_000_000L)
                .setWidth(768)
                .setHeight(576)
                .setMediaType("image/jpeg")
                .setImage(ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3}))
                .setMetadata(Map.of("camera", "north"))
                .build();
    }

    /** A populated instance of {@code schema}, made with {@code model} (specific or generic). */
    static Object populated(Schema schema, GenericData model, int seed) {
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) model.newRecord(null, schema);
                for (Schema.Field field : schema.getFields()) {
                    record.put(field.pos(), populated(field.schema(), model, seed + field.pos()));
                }
                yield record;
            }
            case ENUM -> {
                List<String> symbols = schema.getEnumSymbols();
                String symbol = symbols.get(seed % symbols.size());
                yield model instanceof SpecificData specific && specific.getClass(schema) != null
                        ? enumConstant(specific.getClass(schema), symbol)
                        : new GenericData.EnumSymbol(schema, symbol);
            }
            case ARRAY -> List.of(populated(schema.getElementType(), model, seed + 1));
            case MAP -> Map.of("k" + seed, populated(schema.getValueType(), model, seed + 1));
            case UNION -> populated(nonNull(schema), model, seed);
            case FIXED -> model.createFixed(null, new byte[schema.getFixedSize()], schema);
            case STRING -> "s" + seed;
            case BYTES -> ByteBuffer.wrap(new byte[] {(byte) seed, 7, (byte) 0xFF});
            case INT -> 1000 + seed;
            case LONG -> 5_000_000_000L + seed;
            case FLOAT -> 0.5f + seed;
            case DOUBLE -> 0.25 + seed;
            case BOOLEAN -> seed % 2 == 0;
            case NULL -> null;
        };
    }

    private static Schema nonNull(Schema union) {
        return union.getTypes().stream()
                .filter(t -> t.getType() != Schema.Type.NULL)
                .findFirst()
                .orElse(union.getTypes().get(0));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumConstant(Class<?> type, String symbol) {
        return Enum.valueOf((Class) type, symbol);
    }
}
