package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/** How moments are cut, captioned and closed, and how long frames wait for timed texts. */
public record SelectionSettings(
        float scoreThreshold,
        Duration quietTimeout,
        int maxFramesPerMinute,
        Duration updateInterval,
        Duration textRetention)
        implements Serializable {

    /** Reads and checks {@link SelectionOptions}. */
    public static SelectionSettings from(Configuration conf) {
        SelectionSettings selection =
                new SelectionSettings(
                        conf.get(SelectionOptions.SCORE_THRESHOLD),
                        conf.get(SelectionOptions.QUIET_TIMEOUT),
                        conf.get(SelectionOptions.MAX_FRAMES_PER_MINUTE),
                        conf.get(SelectionOptions.UPDATE_INTERVAL),
                        conf.get(SelectionOptions.TEXT_RETENTION));
        require(
                selection.scoreThreshold > 0 && selection.scoreThreshold <= 1,
                SelectionOptions.SCORE_THRESHOLD.key(),
                "must be in (0, 1]");
        require(
                selection.maxFramesPerMinute >= 0,
                SelectionOptions.MAX_FRAMES_PER_MINUTE.key(),
                "must be >= 0 (0: no limit)");
        require(
                !selection.updateInterval.isNegative(),
                SelectionOptions.UPDATE_INTERVAL.key(),
                "must not be negative (0 s: FINAL captions only)");
        return selection;
    }
}
