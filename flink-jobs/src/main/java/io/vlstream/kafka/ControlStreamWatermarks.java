package io.vlstream.kafka;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks for a control stream (instructions, timed texts) joined with the frames: it emits none
 * and is idle a moment after each record, so a connected operator's event time is the frames' own.
 * (A control stream that claimed "end of time" instead would take over whenever the frames go idle,
 * and make every later frame late.)
 */
public final class ControlStreamWatermarks {

    /** How long a control record may hold event time back. */
    static final Duration IDLE_AFTER = Duration.ofSeconds(1);

    private ControlStreamWatermarks() {}

    public static <T> WatermarkStrategy<T> create() {
        return WatermarkStrategy.<T>forGenerator(ctx -> new NoWatermarks<>())
                .withIdleness(IDLE_AFTER);
    }

    private static final class NoWatermarks<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {}
    }
}
