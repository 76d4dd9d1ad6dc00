package io.vlstream.serde;

import java.nio.file.Path;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Flink deserialization schema reading a generated record from single-object encoding, resolving
 * the writer's schema through the {@link SchemaCatalog}. A null message (a tombstone) yields null,
 * which Flink's sources skip. Bad bytes throw {@link AvroDecodeException}, which fails the job: use
 * it for trusted internal topics, and decode untrusted topics in an operator that can route bad
 * records to the DLQ.
 */
public final class AvroRecordDeserializationSchema<T extends SpecificRecord>
        implements DeserializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final String extraSchemaDirectory;
    private transient AvroCodec<T> codec;

    public AvroRecordDeserializationSchema(Class<T> type) {
        this(type, null);
    }

    /**
     * @param extraSchemaDirectory a directory of self-contained {@code .avsc} files to know besides
     *     the class path's, or null
     */
    public AvroRecordDeserializationSchema(Class<T> type, String extraSchemaDirectory) {
        this.type = Objects.requireNonNull(type, "type");
        this.extraSchemaDirectory = extraSchemaDirectory;
    }

    @Override
    public void open(InitializationContext context) {
        codec();
    }

    @Override
    public T deserialize(byte[] message) {
        return message == null ? null : codec().decode(message);
    }

    @Override
    public boolean isEndOfStream(T nextElement) {
        return false;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        // Avro type information when flink-avro is on the class path (the jobs have it).
        return TypeInformation.of(type);
    }

    private AvroCodec<T> codec() {
        if (codec == null) {
            codec =
                    extraSchemaDirectory == null
                            ? AvroCodec.of(type)
                            : AvroCodec.of(type, Path.of(extraSchemaDirectory));
        }
        return codec;
    }
}
