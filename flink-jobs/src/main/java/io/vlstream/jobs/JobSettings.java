package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * vlstream's settings, read once from a Flink {@link Configuration} and checked, area by area: each
 * area's record reads its own options class and names the key of any bad value.
 *
 * @param checkpointInterval how often the exactly-once sinks commit
 */
public record JobSettings(
        KafkaSettings kafka,
        FrameSettings frames,
        ModelSettings models,
        SlotSettings slots,
        SelectionSettings selection,
        LimitSettings limits,
        Duration checkpointInterval)
        implements Serializable {

    /** Reads and checks every vlstream option ({@link VlstreamOptions#all()}). */
    public static JobSettings from(Configuration conf) {
        KafkaSettings kafka = KafkaSettings.from(conf);
        Duration checkpointInterval = conf.get(VlstreamOptions.CHECKPOINT_INTERVAL);
        require(
                !checkpointInterval.isNegative() && !checkpointInterval.isZero(),
                VlstreamOptions.CHECKPOINT_INTERVAL.key(),
                "must be positive: the exactly-once sinks commit on checkpoints");
        return new JobSettings(
                kafka,
                FrameSettings.from(conf),
                ModelSettings.from(conf),
                SlotSettings.from(conf),
                SelectionSettings.from(conf),
                LimitSettings.from(conf, kafka),
                checkpointInterval);
    }
}
