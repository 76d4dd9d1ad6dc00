package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.internal.Failure;
import java.nio.ByteBuffer;

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
        return of(reason, message, payload == null ? null : ByteBuffer.wrap(payload), key);
    }

    /** As above, reading only the head of {@code payload} (an image need not be copied whole). */
    public static Failure of(ReasonCode reason, String message, ByteBuffer payload, byte[] key) {
        ByteBuffer rest = payload == null ? ByteBuffer.allocate(0) : payload.duplicate();
        int size = rest.remaining();
        byte[] head = new byte[Math.min(size, PAYLOAD_HEAD_BYTES)];
        rest.get(head);
        return Failure.newBuilder()
                .setReason(reason)
                .setMessage(message)
                .setPayloadHead(ByteBuffer.wrap(head))
                .setPayloadSize(size)
                .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
                .build();
    }
}
