package io.vlstream.jobs;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.description.HtmlFormatter;

/** Every vlstream setting, with its default and description; read once into {@link JobSettings}. */
public final class VlstreamOptions {

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            ConfigOptions.key("vlstream.kafka.bootstrap-servers")
                    .stringType()
                    .defaultValue("localhost:9092")
                    .withDescription("Kafka bootstrap servers for every vlstream topic.");

    public static final ConfigOption<String> KAFKA_PROPERTIES_FILE =
            ConfigOptions.key("vlstream.kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Optional Java properties file with extra Kafka client settings"
                                    + " (SASL/SSL and the like), applied to every source and sink.");

    public static final ConfigOption<String> GROUP_ID =
            ConfigOptions.key("vlstream.kafka.group-id")
                    .stringType()
                    .defaultValue("vlstream")
                    .withDescription(
                            "Consumer group prefix; each source uses <prefix>-frames,"
                                    + " <prefix>-instructions and <prefix>-texts.");

    public static final ConfigOption<String> TOPIC_FRAMES =
            ConfigOptions.key("vlstream.topic.frames")
                    .stringType()
                    .defaultValue("vlstream.frames")
                    .withDescription("Topic of VideoFrame records (key: stream id).");

    public static final ConfigOption<String> TOPIC_INSTRUCTIONS =
            ConfigOptions.key("vlstream.topic.instructions")
                    .stringType()
                    .defaultValue("vlstream.instructions")
                    .withDescription(
                            "Compacted topic of Instruction records (key: instruction id).");

    public static final ConfigOption<String> TOPIC_TEXTS =
            ConfigOptions.key("vlstream.topic.texts")
                    .stringType()
                    .defaultValue("vlstream.texts")
                    .withDescription("Topic of TimedText records (key: stream id).");

    public static final ConfigOption<String> TOPIC_CAPTIONS =
            ConfigOptions.key("vlstream.topic.captions")
                    .stringType()
                    .defaultValue("vlstream.captions")
                    .withDescription("Topic the GroundedCaption records go to.");

    public static final ConfigOption<String> TOPIC_SCORES =
            ConfigOptions.key("vlstream.topic.scores")
                    .stringType()
                    .defaultValue("vlstream.scores")
                    .withDescription("Topic the AlignmentScore records go to.");

    public static final ConfigOption<String> TOPIC_DLQ =
            ConfigOptions.key("vlstream.topic.dlq")
                    .stringType()
                    .defaultValue("vlstream.dlq")
                    .withDescription("Topic the DeadLetter records go to.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            ConfigOptions.key("vlstream.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("vlstream")
                    .withDescription(
                            "Prefix of the exactly-once sinks' transactional ids; unique per job"
                                    + " on one cluster.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            ConfigOptions.key("vlstream.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Kafka transaction timeout of the sinks; must not exceed the"
                                    + " brokers' transaction.max.timeout.ms (15 min by default).");

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

    public static final ConfigOption<Float> DETECTOR_MIN_SCORE =
            ConfigOptions.key("vlstream.detector.min-score")
                    .floatType()
                    .defaultValue(0.3f)
                    .withDescription("Detections below this confidence are not used.");

    public static final ConfigOption<Integer> DETECTOR_THREADS =
            ConfigOptions.key("vlstream.detector.threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("TensorFlow intra-op threads per detector instance.");

    public static final ConfigOption<String> MODEL_DETECTOR =
            ConfigOptions.key("vlstream.model.detector")
                    .stringType()
                    .defaultValue("builtin:coco-centernet")
                    .withDescription(
                            "Object detector:"
                                    + " builtin:coco-centernet[?min-score=&nms-iou=&max-detections=&threads=&gpu=&device=]"
                                    + " (see docs/models.md).");

    public static final ConfigOption<Integer> MODEL_MAX_BATCH_SIZE =
            ConfigOptions.key("vlstream.model.max-batch-size")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Frames (from all streams) per detector and image-encoder call at"
                                    + " most; 1 analyzes frames one at a time.");

    public static final ConfigOption<Duration> MODEL_MAX_BATCH_WAIT =
            ConfigOptions.key("vlstream.model.max-batch-wait")
                    .durationType()
                    .defaultValue(Duration.ofMillis(20))
                    .withDescription(
                            "How long the first frame of a batch waits for more frames at most"
                                    + " before the models run; batches are also flushed before"
                                    + " watermarks and checkpoint barriers.");

    public static final ConfigOption<Boolean> MODEL_GPU =
            ConfigOptions.key("vlstream.model.gpu")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Run the model operators (frame analysis, in-process captioner) in"
                                    + " slots of their own ('models') that ask for"
                                    + " vlstream.model.slot.* (a GPU included), and every other"
                                    + " operator in slots that ask for vlstream.pipeline.slot.*"
                                    + " (Flink's fine-grained resource management; see"
                                    + " docs/models.md). Each model instance uses the GPU that"
                                    + " Flink's external resource 'gpu' gives it, whether this is"
                                    + " set or not.");

    public static final ConfigOption<Integer> MODEL_PARALLELISM =
            ConfigOptions.key("vlstream.model.parallelism")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Instances of each model operator (with vlstream.model.gpu: GPUs in"
                                    + " use); 0 takes the job's parallelism.");

    public static final ConfigOption<Double> MODEL_SLOT_GPUS =
            ConfigOptions.key("vlstream.model.slot.gpus")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription(
                            "GPUs (Flink external resource 'gpu') one model slot asks for when"
                                    + " vlstream.model.gpu is on; 0 asks for none.");

    public static final ConfigOption<Double> MODEL_SLOT_CPU_CORES =
            ConfigOptions.key("vlstream.model.slot.cpu-cores")
                    .doubleType()
                    .defaultValue(1.0)
                    .withDescription("CPU cores one model slot asks for (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> MODEL_SLOT_TASK_HEAP =
            ConfigOptions.key("vlstream.model.slot.task-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("512m"))
                    .withDescription("Task heap one model slot asks for (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> MODEL_SLOT_TASK_OFF_HEAP =
            ConfigOptions.key("vlstream.model.slot.task-off-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("1g"))
                    .withDescription(
                            "Task off-heap memory one model slot asks for (vlstream.model.gpu):"
                                    + " TensorFlow's native memory; the task managers'"
                                    + " taskmanager.memory.task.off-heap.size must hold it.");

    public static final ConfigOption<Double> PIPELINE_SLOT_CPU_CORES =
            ConfigOptions.key("vlstream.pipeline.slot.cpu-cores")
                    .doubleType()
                    .defaultValue(0.5)
                    .withDescription(
                            "CPU cores one slot of the other operators asks for"
                                    + " (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_TASK_HEAP =
            ConfigOptions.key("vlstream.pipeline.slot.task-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("512m"))
                    .withDescription(
                            "Task heap one slot of the other operators asks for"
                                    + " (vlstream.model.gpu).");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_TASK_OFF_HEAP =
            ConfigOptions.key("vlstream.pipeline.slot.task-off-heap-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256m"))
                    .withDescription(
                            "Task off-heap memory one slot of the other operators asks for"
                                    + " (vlstream.model.gpu): the dual encoder's text tower where"
                                    + " instructions are compiled.");

    public static final ConfigOption<MemorySize> PIPELINE_SLOT_MANAGED =
            ConfigOptions.key("vlstream.pipeline.slot.managed-memory")
                    .memoryType()
                    .defaultValue(MemorySize.parse("256m"))
                    .withDescription(
                            "Managed memory one slot of the other operators asks for"
                                    + " (vlstream.model.gpu): RocksDB's state of moments and texts.");

    public static final ConfigOption<String> MODEL_DUAL_ENCODER =
            ConfigOptions.key("vlstream.model.dual-encoder")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Optional image-text dual encoder (CLIP/SigLIP style),"
                                    + " savedmodel:DIR?...; when set, frames are scored by calibrated"
                                    + " similarity to the instruction (see docs/models.md).");

    public static final ConfigOption<String> MODEL_CAPTIONER =
            ConfigOptions.key("vlstream.model.captioner")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Optional captioner: savedmodel:DIR?... (in-process) or"
                                    + " openai:URL?model=NAME (a served VLM, docs/served-vlm.md);"
                                    + " unset: captions composed from the grounded detections.");

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
                                    + " are closed and captioned.");

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

    public static final ConfigOption<Duration> TEXT_RETENTION =
            ConfigOptions.key("vlstream.texts.frame-retention")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(2))
                    .withDescription(
                            "Event time for which frame analyses are kept to check timed texts"
                                    + " against.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
            ConfigOptions.key("vlstream.checkpoint-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(2))
                    .withDescription(
                            "Checkpoint interval; outputs become visible to read_committed"
                                    + " consumers at each checkpoint.");

    private VlstreamOptions() {}

    /** Every option declared here and in {@link LimitOptions}, in declaration order. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Class<?> area : List.of(VlstreamOptions.class, LimitOptions.class)) {
            for (Field field : area.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())
                        && ConfigOption.class.isAssignableFrom(field.getType())) {
                    try {
                        options.add((ConfigOption<?>) field.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        }
        return options;
    }

    /** The README's configuration table, generated from the options. */
    public static String markdownTable() {
        StringBuilder table = new StringBuilder("| key | default | description |\n|---|---|---|\n");
        for (ConfigOption<?> option : all()) {
            Object value = option.hasDefaultValue() ? option.defaultValue() : null;
            String shown =
                    value == null
                            ? "(none)"
                            : value instanceof Duration d ? formatDuration(d) : value.toString();
            table.append("| `")
                    .append(option.key())
                    .append("` | `")
                    .append(shown)
                    .append("` | ")
                    .append(new HtmlFormatter().format(option.description()).replace("|", "\\|"))
                    .append(" |\n");
        }
        return table.toString();
    }

    private static String formatDuration(Duration d) {
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + " min";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + " s";
        }
        return d.toMillis() + " ms";
    }
}
