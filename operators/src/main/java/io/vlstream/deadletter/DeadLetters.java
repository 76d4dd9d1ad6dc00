package io.vlstream.deadletter;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.Failure;
import io.vlstream.internal.WallClock;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * Builds {@link DeadLetter} records and names the side output they travel on. A dead letter bounds
 * its own key, message, stream id and payload head, so it always fits the DLQ sink (a few KB at
 * most), whatever the record it stands for.
 */
public final class DeadLetters {

    /** The side output every operator sends rejected records to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /** Characters of a stream id kept in a dead letter. */
    public static final int STREAM_ID_CHARS = 256;

    private DeadLetters() {}

    /** A dead letter for a record rejected while it was read or validated. */
    public static DeadLetter of(SourceRef source, Failure failure, String stage, String streamId) {
        return DeadLetter.newBuilder()
                .setSourceTopic(source.getTopic())
                .setSourcePartition(source.getPartition())
                .setSourceOffset(source.getOffset())
                .setReason(failure.getReason())
                .setMessage(Failures.cut(failure.getMessage(), Failures.MESSAGE_CHARS))
                .setStage(stage)
                .setStreamId(Failures.cut(streamId, STREAM_ID_CHARS))
                .setSourceKey(head(failure.getKey(), Failures.KEY_HEAD_BYTES))
                .setPayloadHead(head(failure.getPayloadHead(), Failures.PAYLOAD_HEAD_BYTES))
                .setPayloadSize(failure.getPayloadSize())
                .setFailedAtMicros(WallClock.nowMicros())
                .build();
    }

    /** A dead letter for a decoded record that a later stage could not process. */
    public static DeadLetter of(
            SourceRef source,
            ReasonCode reason,
            String message,
            String stage,
            String streamId,
            ByteBuffer payload) {
        byte[] key =
                streamId == null
                        ? null
                        : Failures.cut(streamId, Failures.KEY_HEAD_BYTES)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return of(source, Failures.of(reason, message, payload, key), stage, streamId);
    }

    /**
     * A dead letter for a record whose processing threw: the stage, the exception and where the
     * record came from, instead of a restart loop.
     */
    public static DeadLetter ofException(
            SourceRef source, String stage, String streamId, String what, Throwable e) {
        return of(
                source,
                ReasonCode.PROCESSING_ERROR,
                "Stage '" + stage + "' failed on " + what + ": " + e,
                stage,
                streamId,
                null);
    }

    private static ByteBuffer head(ByteBuffer buffer, int max) {
        if (buffer == null || buffer.remaining() <= max) {
            return buffer;
        }
        ByteBuffer view = buffer.duplicate();
        byte[] out = new byte[max];
        view.get(out);
        return ByteBuffer.wrap(out);
    }
}
