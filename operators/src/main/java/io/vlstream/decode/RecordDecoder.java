package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.deadletter.Failures;
import io.vlstream.serde.AvroCodec;
import io.vlstream.serde.AvroDecodeException;
import org.apache.avro.specific.SpecificRecord;

/**
 * Kafka value → Avro record, or a {@link io.vlstream.avro.internal.Failure}: the size limit is
 * checked before any decoding, and bad input never throws. Thread-safe.
 */
public final class RecordDecoder<T extends SpecificRecord> {

    private final AvroCodec<T> codec;
    private final DecodeLimits limits;

    public RecordDecoder(AvroCodec<T> codec, DecodeLimits limits) {
        this.codec = codec;
        this.limits = limits;
    }

    /** A decoder for a generated record class, resolving writers through the class path. */
    public static <T extends SpecificRecord> RecordDecoder<T> of(
            Class<T> type, DecodeLimits limits) {
        return new RecordDecoder<>(AvroCodec.of(type), limits);
    }

    /**
     * @param value the Kafka value (null for a tombstone, which is an {@code EMPTY_PAYLOAD} here)
     * @param key the Kafka key, kept in the failure; may be null
     */
    public Decoded<T> decode(byte[] value, byte[] key) {
        String expected = codec.schema().getName();
        if (value == null || value.length == 0) {
            return Decoded.failed(
                    Failures.of(
                            ReasonCode.EMPTY_PAYLOAD,
                            (value == null ? "Null" : "Empty")
                                    + " value where a "
                                    + expected
                                    + " was expected",
                            value,
                            key));
        }
        if (value.length > limits.maxRecordBytes()) {
            return Decoded.failed(
                    Failures.of(
                            ReasonCode.OVERSIZED_RECORD,
                            expected
                                    + " record of "
                                    + value.length
                                    + " bytes exceeds the limit of "
                                    + limits.maxRecordBytes()
                                    + " bytes",
                            value,
                            key));
        }
        try {
            return Decoded.ok(codec.decode(value));
        } catch (AvroDecodeException e) {
            return Decoded.failed(Failures.of(e.reason(), e.getMessage(), value, key));
        } catch (RuntimeException e) {
            // The codec maps every known failure; anything else is still the payload's fault.
            return Decoded.failed(
                    Failures.of(
                            ReasonCode.MALFORMED_RECORD,
                            "Cannot decode " + expected + ": " + e,
                            value,
                            key));
        }
    }
}
