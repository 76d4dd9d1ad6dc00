package io.vlstream.serde;

import io.vlstream.avro.ReasonCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one record type in Avro single-object encoding (marker {@code C3 01}, 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer's schema, binary body).
 *
 * <p>A record written with any version of the schema the {@link SchemaCatalog} knows is resolved to
 * this codec's (reader) schema. Thread-safe: Avro's message encoder and decoder are, and the
 * per-writer verdicts are kept in a concurrent map bounded by the catalog's size.
 *
 * @param <T> the record type: a generated class, or {@link GenericRecord} for {@link #generic}
 */
public final class AvroCodec<T extends IndexedRecord> {

    private static final byte MARKER_0 = (byte) 0xC3;
    private static final byte MARKER_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private final Schema readerSchema;
    private final long readerFingerprint;
    private final SchemaCatalog catalog;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    /** Known writer fingerprint → its schema or why it is unreadable. Unknown ones are not kept. */
    private final Map<Long, Verdict> verdicts = new ConcurrentHashMap<>();

    /** A writer schema this codec can resolve, or (writer null) why not. */
    private record Verdict(Schema writer, String problem) {}

    private AvroCodec(GenericData model, Schema readerSchema, SchemaCatalog catalog) {
        if (readerSchema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException(
                    "Single-object codecs are for records, not " + readerSchema.getType());
        }
        this.readerSchema = readerSchema;
        this.readerFingerprint = SchemaNormalization.parsingFingerprint64(readerSchema);
        this.catalog = catalog;
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.decoder = new BinaryMessageDecoder<>(model, readerSchema, catalog);
    }

    /** A codec for a generated record class, resolving writers through the class path catalog. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
        return of(type, classPathCatalog(type));
    }

    /**
     * A codec for a generated record class that also knows the self-contained {@code .avsc} files
     * under {@code extraSchemas}.
     */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, Path extraSchemas) {
        return of(type, classPathCatalog(type).withDirectory(extraSchemas));
    }

    private static SchemaCatalog classPathCatalog(Class<?> type) {
        return type.getClassLoader() == SchemaCatalog.class.getClassLoader()
                ? SchemaCatalog.fromClassPath()
                : SchemaCatalog.fromClassPath(type.getClassLoader());
    }

    /** A codec for a generated record class with the given catalog of writer schemas. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, SchemaCatalog catalog) {
        SpecificData model = SpecificData.getForClass(type);
        return new AvroCodec<>(model, model.getSchema(type), catalog);
    }

    /** A codec reading and writing {@link GenericRecord}s of {@code schema}. */
    public static AvroCodec<GenericRecord> generic(Schema schema) {
        return generic(schema, SchemaCatalog.fromClassPath());
    }

    /** A codec reading and writing {@link GenericRecord}s of {@code schema}. */
    public static AvroCodec<GenericRecord> generic(Schema schema, SchemaCatalog catalog) {
        return new AvroCodec<>(new GenericData(), schema, catalog);
    }

    /** The reader (and writer) schema. */
    public Schema schema() {
        return readerSchema;
    }

    /** The schema's CRC-64-AVRO fingerprint, as this codec writes it. */
    public long fingerprint() {
        return readerFingerprint;
    }

    /**
     * The record in single-object encoding.
     *
     * @throws IllegalArgumentException if the record does not fit the schema (e.g. a required field
     *     is null)
     */
    public byte[] encode(T record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "Cannot encode " + readerSchema.getFullName() + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * The record in {@code bytes}, resolved from the writer's schema to this codec's.
     *
     * @throws AvroDecodeException with {@link ReasonCode#EMPTY_PAYLOAD}, {@link
     *     ReasonCode#NOT_SINGLE_OBJECT_AVRO}, {@link ReasonCode#WRONG_SCHEMA} or {@link
     *     ReasonCode#MALFORMED_RECORD}
     */
    public T decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new AvroDecodeException(
                    ReasonCode.EMPTY_PAYLOAD,
                    "Empty payload where a " + readerSchema.getFullName() + " was expected");
        }
        if (bytes[0] != MARKER_0 || (bytes.length > 1 && bytes[1] != MARKER_1)) {
            throw new AvroDecodeException(
                    ReasonCode.NOT_SINGLE_OBJECT_AVRO,
                    "Not Avro single-object encoding: expected marker C3 01, payload starts with "
                            + hex(bytes, 4));
        }
        if (bytes.length < HEADER_LENGTH) {
            throw new AvroDecodeException(
                    ReasonCode.NOT_SINGLE_OBJECT_AVRO,
                    "Avro single-object header cut short: " + bytes.length + " of 10 bytes");
        }
        long fingerprint = fingerprintOf(bytes);
        Verdict verdict = verdict(fingerprint);
        if (verdict.writer() == null) {
            throw new AvroDecodeException(ReasonCode.WRONG_SCHEMA, verdict.problem());
        }
        checkStructure(bytes, verdict.writer(), fingerprint);
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        T record;
        try {
            record = decoder.decode(in, null);
        } catch (MissingSchemaException e) {
            throw new AvroDecodeException(ReasonCode.WRONG_SCHEMA, e.getMessage(), e);
        } catch (BadHeaderException e) {
            throw new AvroDecodeException(ReasonCode.NOT_SINGLE_OBJECT_AVRO, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException(
                    ReasonCode.MALFORMED_RECORD,
                    "Malformed "
                            + readerSchema.getFullName()
                            + " body ("
                            + bytes.length
                            + " bytes, writer schema "
                            + hexFingerprint(fingerprint)
                            + "): "
                            + e,
                    e);
        }
        return record;
    }

    /**
     * Walks the body with the writer's schema, skipping values, before anything is materialised.
     * Avro's reader allocates a string, bytes or array at the length the payload declares, so a few
     * bytes claiming a 2 GiB field would allocate 2 GiB; a body whose every length fits in the
     * payload cannot do that.
     */
    private void checkStructure(byte[] bytes, Schema writer, long fingerprint) {
        ByteArrayInputStream body =
                new ByteArrayInputStream(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
        try {
            GenericDatumReader.skip(writer, DecoderFactory.get().directBinaryDecoder(body, null));
        } catch (IOException | RuntimeException e) {
            throw new AvroDecodeException(
                    ReasonCode.MALFORMED_RECORD,
                    "Malformed "
                            + readerSchema.getFullName()
                            + " body ("
                            + bytes.length
                            + " bytes, writer schema "
                            + hexFingerprint(fingerprint)
                            + "): "
                            + (e instanceof EOFException ? "a length runs past the end" : e),
                    e);
        }
        if (body.available() > 0) {
            throw new AvroDecodeException(
                    ReasonCode.MALFORMED_RECORD,
                    "Malformed "
                            + readerSchema.getFullName()
                            + ": "
                            + body.available()
                            + " bytes left over after the record ("
                            + bytes.length
                            + " bytes in all)");
        }
    }

    private Verdict verdict(long fingerprint) {
        if (fingerprint == readerFingerprint) {
            return new Verdict(readerSchema, null);
        }
        Verdict known = verdicts.get(fingerprint);
        if (known != null) {
            return known;
        }
        Schema writer = catalog.findByFingerprint(fingerprint);
        if (writer == null) {
            // Not cached: the fingerprint comes from the payload, and the map must stay bounded.
            return new Verdict(
                    null,
                    "Unknown writer schema fingerprint "
                            + hexFingerprint(fingerprint)
                            + ": not a version of "
                            + readerSchema.getFullName()
                            + " (nor of any schema) that this reader knows");
        }
        String problem = judge(writer, fingerprint);
        Verdict result = new Verdict(problem == null ? writer : null, problem);
        verdicts.put(fingerprint, result);
        return result;
    }

    /** Null if records written with {@code writer} resolve to the reader schema, else why not. */
    private String judge(Schema writer, long fingerprint) {
        boolean sameName =
                writer.getType() == Schema.Type.RECORD
                        && (writer.getFullName().equals(readerSchema.getFullName())
                                || readerSchema.getAliases().contains(writer.getFullName()));
        if (!sameName) {
            return "Writer schema "
                    + hexFingerprint(fingerprint)
                    + " is "
                    + writer.getFullName()
                    + ", expected "
                    + readerSchema.getFullName();
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return "Writer schema "
                    + hexFingerprint(fingerprint)
                    + " of "
                    + writer.getFullName()
                    + " cannot be read as this reader's version: "
                    + compatibility.getResult().getIncompatibilities();
        }
        // Avro's decoder keeps a resolver per writer fingerprint; make sure it has this one.
        decoder.addSchema(writer);
        return null;
    }

    private static long fingerprintOf(byte[] bytes) {
        long value = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            value = (value << 8) | (bytes[i] & 0xFFL);
        }
        return value;
    }

    static String hexFingerprint(long fingerprint) {
        return String.format("0x%016X", fingerprint);
    }

    private static String hex(byte[] bytes, int max) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < Math.min(bytes.length, max); i++) {
            out.append(String.format("%02X ", bytes[i]));
        }
        return out.toString().trim();
    }

    @Override
    public String toString() {
        return "AvroCodec["
                + readerSchema.getFullName()
                + " "
                + hexFingerprint(readerFingerprint)
                + "]";
    }
}
