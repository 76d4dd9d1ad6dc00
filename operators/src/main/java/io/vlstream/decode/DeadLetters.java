package io.vlstream.decode;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.Failure;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/** Builds {@link DeadLetter} records and names the side output they travel on. */
public final class DeadLetters {

    /** The side output every operator sends rejected records to. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    private DeadLetters() {}

    /** A dead letter for a record rejected while it was read or validated. */
    public static DeadLetter of(SourceRef source, Failure failure, String stage, String streamId) {
        return DeadLetter.newBuilder()
                .setSourceTopic(source.getTopic())
                .setSourcePartition(source.getPartition())
                .setSourceOffset(source.getOffset())
                .setReason(failure.getReason())
                .setMessage(failure.getMessage())
                .setStage(stage)
                .setStreamId(streamId)
                .setSourceKey(failure.getKey())
                .setPayloadHead(failure.getPayloadHead())
                .setPayloadSize(failure.getPayloadSize())
                .setFailedAtMicros(nowMicros())
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
                        : streamId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return of(source, Failures.of(reason, message, payload, key), stage, streamId);
    }

    /** Wall-clock time in microseconds since the epoch. */
    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
