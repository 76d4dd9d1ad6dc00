package io.vlstream.jobs;

import static io.vlstream.jobs.Settings.require;
import static io.vlstream.jobs.Settings.valid;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.engines.Models;
import io.vlstream.model.remote.ChatEndpoint;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;

/**
 * The models, how they are called and where they run, and which frames skip them (the change gate).
 * Every model spec is parsed and checked when the settings are read, so a wrong one fails where the
 * job is built.
 *
 * @param dualEncoderSpec null when no dual encoder is configured
 * @param captionerSpec null for the built-in grounded template captions
 * @param parallelism instances of each model operator; 0: the job's parallelism
 * @param gpu whether the model operators run in slots of their own that ask for a GPU
 */
public record ModelSettings(
        String detectorSpec,
        float detectorMinScore,
        int detectorThreads,
        String dualEncoderSpec,
        String captionerSpec,
        int maxBatchSize,
        Duration maxBatchWait,
        boolean gpu,
        int parallelism,
        ChangeGate changeGate,
        int changeGateMaxStreams)
        implements Serializable {

    /** Reads and checks {@link ModelOptions} and {@link ChangeGateOptions}. */
    public static ModelSettings from(Configuration conf) {
        ModelSettings models =
                new ModelSettings(
                        conf.get(ModelOptions.MODEL_DETECTOR),
                        conf.get(ModelOptions.DETECTOR_MIN_SCORE),
                        conf.get(ModelOptions.DETECTOR_THREADS),
                        blankToNull(conf.get(ModelOptions.MODEL_DUAL_ENCODER)),
                        blankToNull(conf.get(ModelOptions.MODEL_CAPTIONER)),
                        conf.get(ModelOptions.MODEL_MAX_BATCH_SIZE),
                        conf.get(ModelOptions.MODEL_MAX_BATCH_WAIT),
                        conf.get(ModelOptions.MODEL_GPU),
                        conf.get(ModelOptions.MODEL_PARALLELISM),
                        valid(
                                "vlstream.change-gate.*",
                                () ->
                                        new ChangeGate(
                                                conf.get(ChangeGateOptions.CHANGE_GATE_ENABLED),
                                                conf.get(
                                                        ChangeGateOptions
                                                                .CHANGE_GATE_MAX_MEAN_DIFF),
                                                conf.get(
                                                        ChangeGateOptions
                                                                .CHANGE_GATE_MAX_CELL_DIFF),
                                                conf.get(ChangeGateOptions.CHANGE_GATE_MAX_REUSE)
                                                                .toNanos()
                                                        / 1_000)),
                        conf.get(ChangeGateOptions.CHANGE_GATE_MAX_STREAMS));
        models.check();
        return models;
    }

    private void check() {
        require(
                detectorMinScore >= 0 && detectorMinScore <= 1,
                ModelOptions.DETECTOR_MIN_SCORE.key(),
                "must be in [0, 1]");
        require(detectorThreads > 0, ModelOptions.DETECTOR_THREADS.key(), "must be positive");
        require(
                maxBatchSize > 0,
                ModelOptions.MODEL_MAX_BATCH_SIZE.key(),
                "must be positive (1: no batching)");
        require(
                !maxBatchWait.isNegative(),
                ModelOptions.MODEL_MAX_BATCH_WAIT.key(),
                "must not be negative");
        require(
                parallelism >= 0,
                ModelOptions.MODEL_PARALLELISM.key(),
                "must be >= 0 (0: the job's parallelism)");
        require(
                changeGateMaxStreams > 0,
                ChangeGateOptions.CHANGE_GATE_MAX_STREAMS.key(),
                "must be positive");
        checkModel(ModelOptions.MODEL_DETECTOR.key(), this::detectorFactory);
        if (dualEncoderSpec != null) {
            checkModel(
                    ModelOptions.MODEL_DUAL_ENCODER.key(),
                    () -> Models.dualEncoderFactory(dualEncoderSpec));
        }
        if (captionerSpec != null) {
            checkModel(
                    ModelOptions.MODEL_CAPTIONER.key(),
                    () ->
                            servedCaptioner()
                                    ? ChatEndpoint.parse(captionerSpec)
                                    : Models.captionerFactory(captionerSpec));
        }
    }

    /** Whether the captioner is a served VLM (openai:) rather than an in-process model. */
    public boolean servedCaptioner() {
        return captionerSpec != null && captionerSpec.startsWith("openai:");
    }

    /** The labels the configured detector produces: instructions and captions ground onto them. */
    public List<String> detectorLabels() {
        return Models.detectorLabels(detectorSpec);
    }

    /** The detector, opened where each task runs. */
    public ModelFactory<ObjectDetector> detectorFactory() {
        return Models.detectorFactory(
                detectorSpec, DetectorSettings.defaults().withIntraOpThreads(detectorThreads));
    }

    /** The dual encoder, opened where each task runs; null when none is configured. */
    public ModelFactory<DualEncoder> dualEncoderFactory() {
        return dualEncoderSpec == null ? null : Models.dualEncoderFactory(dualEncoderSpec);
    }

    private static void checkModel(String key, Supplier<Object> parse) {
        try {
            parse.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Setting '" + key + "': " + e.getMessage(), e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
