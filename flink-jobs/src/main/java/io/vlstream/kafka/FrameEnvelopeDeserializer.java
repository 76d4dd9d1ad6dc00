package io.vlstream.kafka;

import io.vlstream.avro.SourceRef;
import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.decode.DecodeLimits;
import io.vlstream.decode.FrameValidator;
import io.vlstream.decode.InputLimits;
import io.vlstream.internal.WallClock;

/** Frames topic → {@link FrameEnvelope}. */
public final class FrameEnvelopeDeserializer
        extends EnvelopeDeserializer<VideoFrame, FrameEnvelope> {

    private final DecodeLimits limits;
    private transient FrameValidator validator;

    public FrameEnvelopeDeserializer(DecodeLimits limits, InputLimits fields) {
        super(VideoFrame.class, FrameEnvelope.class, limits, fields);
        this.limits = limits;
    }

    /**
     * Validates here, where the record is read (image header only, no pixel decoding), so that only
     * good frames carry event time and move the watermark.
     */
    @Override
    FrameEnvelope envelope(
            SourceRef source,
            long receivedAtMicros,
            byte[] key,
            byte[] value,
            VideoFrame record,
            Failure failure) {
        if (failure == null && record != null) {
            if (validator == null) {
                validator = new FrameValidator(limits, fields(), WallClock::nowMicros);
            }
            failure = validator.validate(record, value, key).orElse(null);
        }
        return new FrameEnvelope(source, receivedAtMicros, record, failure);
    }

    /** Event time of a frame envelope: the frame's pts, or none for a rejected record. */
    public static long eventTimeMillis(FrameEnvelope envelope) {
        return envelope.getFailure() == null && envelope.getFrame() != null
                ? envelope.getFrame().getPtsMicros() / 1_000
                : Long.MIN_VALUE;
    }
}
