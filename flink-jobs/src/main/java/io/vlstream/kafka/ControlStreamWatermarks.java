package io.vlstream.kafka;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for a control stream (instructions, timed texts) joined with the frames: it never
 * holds event time back, so a connected operator's watermark is the frames' watermark. A timed text
 * is scored when the frames' watermark passes its end, however late the text arrived.
 */
public final class ControlStreamWatermarks {

    private ControlStreamWatermarks() {}

    public static <T> WatermarkStrategy<T> create() {
        return WatermarkStrategy.forGenerator(ctx -> new NeverHoldsBack<T>());
    }

    private static final class NeverHoldsBack<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.emitWatermark(new Watermark(Long.MAX_VALUE));
        }
    }
}
