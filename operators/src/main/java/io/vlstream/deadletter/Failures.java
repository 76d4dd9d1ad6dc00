package io.vlstream.deadletter;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.internal.Failure;
import java.nio.ByteBuffer;

/**
 * Builds {@link Failure}s, keeping only the head of the payload, of the key and of the message for
 * the DLQ: a failure is small whatever the record was.
 */
public final class Failures {

    /** Bytes of the payload kept in a failure (the DLQ's payloadHead). */
    public static final int PAYLOAD_HEAD_BYTES = 256;

    /** Bytes of a record key kept in a failure (and so in the dead letter's key). */
    public static final int KEY_HEAD_BYTES = 1024;

    /** Characters of a message kept in a failure; producers' text in it is already cut short. */
    public static final int MESSAGE_CHARS = 2000;

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
                .setMessage(cut(message, MESSAGE_CHARS))
                .setPayloadHead(ByteBuffer.wrap(head))
                .setPayloadSize(size)
                .setKey(key == null ? null : ByteBuffer.wrap(head(key, KEY_HEAD_BYTES)))
                .build();
    }

    /** {@code text} cut to at most {@code max} characters, saying how much was left out. */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        String note = "… (" + (text.length() - max) + " more characters)";
        int end = Math.max(0, max - note.length());
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + note;
    }

    /** The first {@code max} bytes of {@code bytes} (a copy). */
    static byte[] head(byte[] bytes, int max) {
        return java.util.Arrays.copyOf(bytes, Math.min(bytes.length, max));
    }
}
