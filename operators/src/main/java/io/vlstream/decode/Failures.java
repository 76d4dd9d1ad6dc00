package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.internal.Failure;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Builds {@link Failure}s, keeping only the head of the payload for the DLQ. */
public final class Failures {

    /** Bytes of the payload kept in a failure (the DLQ's payloadHead). */
    public static final int PAYLOAD_HEAD_BYTES = 256;

    private Failures() {}

    /**
     * @param payload the rejected bytes, or null
     * @param key the Kafka key, or null
     */
    public static Failure of(ReasonCode reason, String message, byte[] payload, byte[] key) {
        byte[] head =
                payload == null
                        ? new byte[0]
                        : Arrays.copyOf(payload, Math.min(payload.length, PAYLOAD_HEAD_BYTES));
        return Failure.newBuilder()
                .setReason(reason)
                .setMessage(message)
                .setPayloadHead(ByteBuffer.wrap(head))
                .setPayloadSize(payload == null ? 0 : payload.length)
                .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
                .build();
    }
}
