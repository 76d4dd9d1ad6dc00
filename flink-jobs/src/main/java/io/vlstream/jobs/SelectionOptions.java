package io.vlstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Moments, captions and timed texts ({@code vlstream.selection.*}, {@code vlstream.texts.*}); read
 * into {@link SelectionSettings}.
 */
public final class SelectionOptions {

    public static final ConfigOption<Float> SCORE_THRESHOLD =
            ConfigOptions.key("vlstream.selection.score-threshold")
                    .floatType()
                    .defaultValue(0.4f)
                    .withDescription(
                            "Frame score that opens a moment, for instructions that set none."
                                    + " Scores are geometric means of detector confidences; the"
                                    + " built-in detector rates real objects 0.3-0.7.");

    public static final ConfigOption<Duration> QUIET_TIMEOUT =
            ConfigOptions.key("vlstream.selection.quiet-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription(
                            "Processing time without frames after which a stream's open moments"
                                    + " are closed and captioned. Counted only while the pipeline"
                                    + " runs, so an outage does not split a moment: after a"
                                    + " restore, and after a stall (a checkpoint that took longer"
                                    + " than this to complete, as during a broker restart), every"
                                    + " stream gets a full timeout for its delayed frames; and a"
                                    + " moment closes only once a checkpoint taken after its"
                                    + " quiet time completes (up to one checkpoint interval"
                                    + " later).");

    public static final ConfigOption<Integer> MAX_FRAMES_PER_MINUTE =
            ConfigOptions.key("vlstream.selection.max-frames-per-minute")
                    .intType()
                    .defaultValue(12)
                    .withDescription(
                            "Most evidence frames sent to the captioner (VLM) in any minute of"
                                    + " event time, per stream and instruction, for instructions"
                                    + " that set none; 0 means no limit.");

    public static final ConfigOption<Duration> UPDATE_INTERVAL =
            ConfigOptions.key("vlstream.selection.update-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "A moment open this long (event time) gets an OPEN caption, then an"
                                    + " UPDATE every interval while it lasts, then FINAL; 0 s:"
                                    + " FINAL only.");

    public static final ConfigOption<Duration> TEXT_RETENTION =
            ConfigOptions.key("vlstream.texts.frame-retention")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription(
                            "Event time for which frame analyses are kept to check timed texts"
                                    + " against.");

    private SelectionOptions() {}
}
