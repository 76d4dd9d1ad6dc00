package io.vlstream.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

/** A camera clock ahead of the wall clock cannot push event time into the future. */
class FrameWatermarksTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<Long> emitted = new ArrayList<>();
    private final WatermarkOutput output =
            new WatermarkOutput() {
                @Override
                public void emitWatermark(Watermark watermark) {
                    emitted.add(watermark.getTimestamp());
                }

                @Override
                public void markIdle() {}

                @Override
                public void markActive() {}
            };

    @Test
    void watermarksFollowThePtsButNeverPassTheClock() {
        FrameWatermarks watermarks = new FrameWatermarks(Duration.ofSeconds(2), now::get);
        // A replay: pts far behind the clock, the usual bounded out-of-orderness.
        watermarks.onEvent(null, 10_000, output);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(10_000L - 2_000 - 1);
        // One frame 90 minutes ahead: the watermark stops at the clock minus the bound.
        watermarks.onEvent(null, now.get() + 5_400_000, output);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).last().isEqualTo(now.get() - 2_000 - 1);
        // As the clock moves on, so does the watermark, never past the frames.
        now.addAndGet(1_000);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).last().isEqualTo(now.get() - 2_000 - 1);
        assertThat(emitted).isSorted();
    }
}
