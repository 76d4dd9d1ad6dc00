package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/** How frames are read: their event time and the size limits checked before any decoding. */
public record FrameSettings(
        Duration maxOutOfOrderness,
        Duration idleTimeout,
        int maxRecordBytes,
        int maxImageWidth,
        int maxImageHeight)
        implements Serializable {

    /** Reads and checks {@link FrameOptions}. */
    public static FrameSettings from(Configuration conf) {
        FrameSettings frames =
                new FrameSettings(
                        conf.get(FrameOptions.MAX_OUT_OF_ORDERNESS),
                        conf.get(FrameOptions.IDLE_TIMEOUT),
                        conf.get(FrameOptions.MAX_RECORD_BYTES),
                        conf.get(FrameOptions.MAX_IMAGE_WIDTH),
                        conf.get(FrameOptions.MAX_IMAGE_HEIGHT));
        require(frames.maxRecordBytes > 0, FrameOptions.MAX_RECORD_BYTES.key(), "must be positive");
        require(
                frames.maxImageWidth > 0 && frames.maxImageHeight > 0,
                FrameOptions.MAX_IMAGE_WIDTH.key() + "/" + FrameOptions.MAX_IMAGE_HEIGHT.key(),
                "must be positive");
        return frames;
    }
}
