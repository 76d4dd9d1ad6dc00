package io.vlstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Which frames reuse the last analysis of their stream instead of running the model ({@code
 * vlstream.change-gate.*}); read into {@link ModelSettings}.
 */
public final class ChangeGateOptions {

    public static final ConfigOption<Boolean> CHANGE_GATE_ENABLED =
            ConfigOptions.key("vlstream.change-gate.enabled")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Reuse the last analysis of a stream for a frame that is almost"
                                    + " identical to the last analyzed one (32x24 grayscale"
                                    + " thumbnails) instead of running the model.");

    public static final ConfigOption<Double> CHANGE_GATE_MAX_MEAN_DIFF =
            ConfigOptions.key("vlstream.change-gate.max-mean-diff")
                    .doubleType()
                    .defaultValue(0.005)
                    .withDescription(
                            "Largest mean absolute thumbnail difference (fraction of the 0-255"
                                    + " range) for a frame to reuse an analysis.");

    public static final ConfigOption<Double> CHANGE_GATE_MAX_CELL_DIFF =
            ConfigOptions.key("vlstream.change-gate.max-cell-diff")
                    .doubleType()
                    .defaultValue(0.03)
                    .withDescription(
                            "Largest difference of any one thumbnail cell (fraction of the 0-255"
                                    + " range) for a frame to reuse an analysis: a small moving"
                                    + " object still counts as a change.");

    public static final ConfigOption<Duration> CHANGE_GATE_MAX_REUSE =
            ConfigOptions.key("vlstream.change-gate.max-reuse")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "An analysis is reused for frames at most this much later (event"
                                    + " time) than the analyzed frame; then the model runs"
                                    + " again.");

    public static final ConfigOption<Integer> CHANGE_GATE_MAX_STREAMS =
            ConfigOptions.key("vlstream.change-gate.max-streams")
                    .intType()
                    .defaultValue(10_000)
                    .withDescription(
                            "Streams whose last analysis each analysis instance keeps for the"
                                    + " change gate (least recently seen are dropped first).");

    private ChangeGateOptions() {}
}
