package io.vlstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * How frames are read: event time and size limits ({@code vlstream.frames.*}); read into {@link
 * FrameSettings}.
 */
public final class FrameOptions {

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            ConfigOptions.key("vlstream.frames.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "How late (in event time) a frame may arrive and still count.");

    public static final ConfigOption<Duration> IDLE_TIMEOUT =
            ConfigOptions.key("vlstream.frames.idle-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "A frames partition silent this long stops holding back the watermark.");

    public static final ConfigOption<Integer> MAX_RECORD_BYTES =
            ConfigOptions.key("vlstream.frames.max-record-bytes")
                    .intType()
                    .defaultValue(8 * 1024 * 1024)
                    .withDescription("Largest accepted record; checked before any decoding.");

    public static final ConfigOption<Integer> MAX_IMAGE_WIDTH =
            ConfigOptions.key("vlstream.frames.max-width")
                    .intType()
                    .defaultValue(7680)
                    .withDescription(
                            "Widest accepted image, checked from its header before decoding.");

    public static final ConfigOption<Integer> MAX_IMAGE_HEIGHT =
            ConfigOptions.key("vlstream.frames.max-height")
                    .intType()
                    .defaultValue(4320)
                    .withDescription(
                            "Tallest accepted image, checked from its header before decoding.");

    private FrameOptions() {}
}
