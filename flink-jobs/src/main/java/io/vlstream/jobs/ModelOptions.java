package io.vlstream.jobs;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * The models and how they are called ({@code vlstream.model.*}, {@code vlstream.detector.*}); read
 * into {@link ModelSettings}.
 */
public final class ModelOptions {

    public static final ConfigOption<String> MODEL_DETECTOR =
            ConfigOptions.key("vlstream.model.detector")
                    .stringType()
                    .defaultValue("builtin:coco-centernet")
                    .withDescription(
                            "Object detector:"
                                    + " builtin:coco-centernet[?min-score=&nms-iou=&max-detections=&threads=&gpu=&device=]"
                                    + " (see docs/models.md).");

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

    private ModelOptions() {}
}
