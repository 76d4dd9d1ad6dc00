package io.vlstream.serde;

import io.vlstream.avro.ReasonCode;

/** Bytes that could not be decoded into the expected Avro record, with the DLQ reason code. */
public class AvroDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    public AvroDecodeException(ReasonCode reason, String message) {
        this(reason, message, null);
    }

    public AvroDecodeException(ReasonCode reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Why decoding failed, as written to the dead-letter queue. */
    public ReasonCode reason() {
        return reason;
    }
}
