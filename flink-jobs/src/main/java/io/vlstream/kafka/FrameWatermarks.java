package io.vlstream.kafka;

import io.vlstream.avro.internal.FrameEnvelope;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of the frames: bounded out-of-orderness over the frames' pts, never past the task
 * manager's wall clock minus the same bound. A camera whose clock runs ahead (up to {@code
 * vlstream.limits.max-pts-ahead}; further is dead-lettered) then cannot push event time into the
 * future and make every other stream's frames late: its own frames wait in selection until their
 * time comes. Replays of recorded video (pts in the past) are not affected.
 */
public final class FrameWatermarks implements WatermarkGenerator<FrameEnvelope> {

    private final long boundMillis;
    private final LongSupplier nowMillis;
    private long maxTimestamp;
    private long lastEmitted = Long.MIN_VALUE;

    FrameWatermarks(Duration maxOutOfOrderness, LongSupplier nowMillis) {
        this.boundMillis = maxOutOfOrderness.toMillis();
        this.nowMillis = nowMillis;
        this.maxTimestamp = Long.MIN_VALUE + boundMillis + 1;
    }

    /** The frames' watermark strategy: pts as event time, capped watermarks, idleness. */
    public static WatermarkStrategy<FrameEnvelope> strategy(
            Duration maxOutOfOrderness, Duration idleTimeout) {
        return WatermarkStrategy.<FrameEnvelope>forGenerator(
                        ctx -> new FrameWatermarks(maxOutOfOrderness, System::currentTimeMillis))
                .withTimestampAssigner(
                        (envelope, ts) -> FrameEnvelopeDeserializer.eventTimeMillis(envelope))
                .withIdleness(idleTimeout);
    }

    @Override
    public void onEvent(FrameEnvelope event, long eventTimestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, eventTimestamp);
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = Math.min(maxTimestamp, nowMillis.getAsLong()) - boundMillis - 1;
        if (watermark > lastEmitted) {
            lastEmitted = watermark;
            output.emitWatermark(new Watermark(watermark));
        }
    }
}
