package io.vlstream.jobs;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.decode.InputLimits;
import io.vlstream.kafka.VlstreamTopics;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.Models;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.remote.ChatEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;

/** vlstream's settings, read once from a Flink {@link Configuration} and checked. */
public record JobSettings(
        String bootstrapServers,
        Properties kafkaProperties,
        String groupId,
        VlstreamTopics topics,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        Duration maxOutOfOrderness,
        Duration idleTimeout,
        int maxRecordBytes,
        int maxImageWidth,
        int maxImageHeight,
        float detectorMinScore,
        int detectorThreads,
        String detectorSpec,
        String dualEncoderSpec,
        String captionerSpec,
        float scoreThreshold,
        Duration quietTimeout,
        Duration textRetention,
        Duration checkpointInterval,
        int maxFramesPerMinute,
        Duration updateInterval,
        ChangeGate changeGate,
        int changeGateMaxStreams,
        int modelMaxBatchSize,
        Duration modelMaxBatchWait,
        boolean modelGpu,
        int modelParallelism,
        SlotResources modelSlot,
        SlotResources pipelineSlot,
        InputLimits inputLimits,
        long maxEvidenceBytes,
        int maxOutputRecordBytes)
        implements Serializable {

    /** Reads and checks every {@link VlstreamOptions} value. */
    public static JobSettings from(Configuration conf) {
        JobSettings settings =
                new JobSettings(
                        conf.get(VlstreamOptions.BOOTSTRAP_SERVERS),
                        kafkaProperties(conf.get(VlstreamOptions.KAFKA_PROPERTIES_FILE)),
                        conf.get(VlstreamOptions.GROUP_ID),
                        new VlstreamTopics(
                                conf.get(VlstreamOptions.TOPIC_FRAMES),
                                conf.get(VlstreamOptions.TOPIC_INSTRUCTIONS),
                                conf.get(VlstreamOptions.TOPIC_TEXTS),
                                conf.get(VlstreamOptions.TOPIC_CAPTIONS),
                                conf.get(VlstreamOptions.TOPIC_SCORES),
                                conf.get(VlstreamOptions.TOPIC_DLQ)),
                        conf.get(VlstreamOptions.TRANSACTIONAL_ID_PREFIX),
                        conf.get(VlstreamOptions.TRANSACTION_TIMEOUT),
                        conf.get(VlstreamOptions.MAX_OUT_OF_ORDERNESS),
                        conf.get(VlstreamOptions.IDLE_TIMEOUT),
                        conf.get(VlstreamOptions.MAX_RECORD_BYTES),
                        conf.get(VlstreamOptions.MAX_IMAGE_WIDTH),
                        conf.get(VlstreamOptions.MAX_IMAGE_HEIGHT),
                        conf.get(VlstreamOptions.DETECTOR_MIN_SCORE),
                        conf.get(VlstreamOptions.DETECTOR_THREADS),
                        conf.get(VlstreamOptions.MODEL_DETECTOR),
                        blankToNull(conf.get(VlstreamOptions.MODEL_DUAL_ENCODER)),
                        blankToNull(conf.get(VlstreamOptions.MODEL_CAPTIONER)),
                        conf.get(VlstreamOptions.SCORE_THRESHOLD),
                        conf.get(VlstreamOptions.QUIET_TIMEOUT),
                        conf.get(VlstreamOptions.TEXT_RETENTION),
                        conf.get(VlstreamOptions.CHECKPOINT_INTERVAL),
                        conf.get(VlstreamOptions.MAX_FRAMES_PER_MINUTE),
                        conf.get(VlstreamOptions.UPDATE_INTERVAL),
                        changeGate(conf),
                        conf.get(VlstreamOptions.CHANGE_GATE_MAX_STREAMS),
                        conf.get(VlstreamOptions.MODEL_MAX_BATCH_SIZE),
                        conf.get(VlstreamOptions.MODEL_MAX_BATCH_WAIT),
                        conf.get(VlstreamOptions.MODEL_GPU),
                        conf.get(VlstreamOptions.MODEL_PARALLELISM),
                        modelSlot(conf),
                        pipelineSlot(conf),
                        valid("vlstream.limits.*", () -> LimitOptions.inputLimits(conf)),
                        conf.get(LimitOptions.MAX_EVIDENCE_BYTES).getBytes(),
                        conf.get(LimitOptions.MAX_OUTPUT_RECORD_BYTES));
        settings.check();
        return settings;
    }

    private void check() {
        require(!bootstrapServers.isBlank(), VlstreamOptions.BOOTSTRAP_SERVERS.key(), "is empty");
        require(
                transactionTimeout.compareTo(Duration.ofMinutes(15)) <= 0
                        || kafkaProperties.containsKey("transaction.timeout.ms"),
                VlstreamOptions.TRANSACTION_TIMEOUT.key(),
                "exceeds the brokers' default transaction.max.timeout.ms of 15 min; lower it or"
                        + " raise the brokers' limit and set transaction.timeout.ms explicitly");
        require(maxRecordBytes > 0, VlstreamOptions.MAX_RECORD_BYTES.key(), "must be positive");
        require(
                maxImageWidth > 0 && maxImageHeight > 0,
                VlstreamOptions.MAX_IMAGE_WIDTH.key()
                        + "/"
                        + VlstreamOptions.MAX_IMAGE_HEIGHT.key(),
                "must be positive");
        require(
                detectorMinScore >= 0 && detectorMinScore <= 1,
                VlstreamOptions.DETECTOR_MIN_SCORE.key(),
                "must be in [0, 1]");
        require(
                scoreThreshold > 0 && scoreThreshold <= 1,
                VlstreamOptions.SCORE_THRESHOLD.key(),
                "must be in (0, 1]");
        require(
                maxFramesPerMinute >= 0,
                VlstreamOptions.MAX_FRAMES_PER_MINUTE.key(),
                "must be >= 0 (0: no limit)");
        require(
                !updateInterval.isNegative(),
                VlstreamOptions.UPDATE_INTERVAL.key(),
                "must not be negative (0 s: FINAL captions only)");
        require(
                changeGateMaxStreams > 0,
                VlstreamOptions.CHANGE_GATE_MAX_STREAMS.key(),
                "must be positive");
        require(detectorThreads > 0, VlstreamOptions.DETECTOR_THREADS.key(), "must be positive");
        require(
                modelMaxBatchSize > 0,
                VlstreamOptions.MODEL_MAX_BATCH_SIZE.key(),
                "must be positive (1: no batching)");
        require(
                !modelMaxBatchWait.isNegative(),
                VlstreamOptions.MODEL_MAX_BATCH_WAIT.key(),
                "must not be negative");
        require(
                modelParallelism >= 0,
                VlstreamOptions.MODEL_PARALLELISM.key(),
                "must be >= 0 (0: the job's parallelism)");
        require(
                !checkpointInterval.isNegative() && !checkpointInterval.isZero(),
                VlstreamOptions.CHECKPOINT_INTERVAL.key(),
                "must be positive: the exactly-once sinks commit on checkpoints");
        require(maxEvidenceBytes > 0, LimitOptions.MAX_EVIDENCE_BYTES.key(), "must be positive");
        String maxRequest = kafkaProperties.getProperty("max.request.size", "1048576");
        require(
                maxOutputRecordBytes >= MIN_OUTPUT_RECORD_BYTES
                        && maxOutputRecordBytes <= parseInt(maxRequest),
                LimitOptions.MAX_OUTPUT_RECORD_BYTES.key(),
                "must be between "
                        + MIN_OUTPUT_RECORD_BYTES
                        + " and the producer's max.request.size ("
                        + maxRequest
                        + "), got "
                        + maxOutputRecordBytes);
        checkModels();
    }

    /** Room for a dead letter and a trimmed caption with its lineage. */
    static final int MIN_OUTPUT_RECORD_BYTES = 16 * 1024;

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "Kafka property max.request.size is not a number: '" + value + "'", e);
        }
    }

    /** Whether the captioner is a served VLM (openai:) rather than an in-process model. */
    public boolean servedCaptioner() {
        return captionerSpec != null && captionerSpec.startsWith("openai:");
    }

    private void checkModels() {
        checkModel(VlstreamOptions.MODEL_DETECTOR.key(), () -> detectorFactory());
        if (dualEncoderSpec != null) {
            checkModel(
                    VlstreamOptions.MODEL_DUAL_ENCODER.key(),
                    () -> Models.dualEncoderFactory(dualEncoderSpec));
        }
        if (captionerSpec != null) {
            checkModel(
                    VlstreamOptions.MODEL_CAPTIONER.key(),
                    () ->
                            servedCaptioner()
                                    ? ChatEndpoint.parse(captionerSpec)
                                    : Models.captionerFactory(captionerSpec));
        }
    }

    private static void checkModel(String key, Supplier<Object> parse) {
        try {
            parse.get();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Setting '" + key + "': " + e.getMessage(), e);
        }
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

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static ChangeGate changeGate(Configuration conf) {
        return valid(
                "vlstream.change-gate.*",
                () ->
                        new ChangeGate(
                                conf.get(VlstreamOptions.CHANGE_GATE_ENABLED),
                                conf.get(VlstreamOptions.CHANGE_GATE_MAX_MEAN_DIFF),
                                conf.get(VlstreamOptions.CHANGE_GATE_MAX_CELL_DIFF),
                                conf.get(VlstreamOptions.CHANGE_GATE_MAX_REUSE).toNanos() / 1_000));
    }

    private static SlotResources modelSlot(Configuration conf) {
        return valid(
                "vlstream.model.slot.*",
                () ->
                        new SlotResources(
                                conf.get(VlstreamOptions.MODEL_SLOT_CPU_CORES),
                                conf.get(VlstreamOptions.MODEL_SLOT_TASK_HEAP),
                                conf.get(VlstreamOptions.MODEL_SLOT_TASK_OFF_HEAP),
                                MemorySize.ZERO,
                                conf.get(VlstreamOptions.MODEL_SLOT_GPUS)));
    }

    private static SlotResources pipelineSlot(Configuration conf) {
        return valid(
                "vlstream.pipeline.slot.*",
                () ->
                        new SlotResources(
                                conf.get(VlstreamOptions.PIPELINE_SLOT_CPU_CORES),
                                conf.get(VlstreamOptions.PIPELINE_SLOT_TASK_HEAP),
                                conf.get(VlstreamOptions.PIPELINE_SLOT_TASK_OFF_HEAP),
                                conf.get(VlstreamOptions.PIPELINE_SLOT_MANAGED),
                                0));
    }

    /** What {@code build} makes of a group of settings, its complaint naming the group. */
    private static <T> T valid(String settings, Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Settings '" + settings + "' are invalid: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new IllegalArgumentException("Setting '" + key + "' " + problem + ".");
        }
    }

    private static Properties kafkaProperties(String file) {
        Properties properties = new Properties();
        if (file == null || file.isBlank()) {
            return properties;
        }
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "Cannot read Kafka properties file '"
                            + file
                            + "' ("
                            + VlstreamOptions.KAFKA_PROPERTIES_FILE.key()
                            + "): "
                            + e.getMessage(),
                    e);
        }
        return properties;
    }
}
