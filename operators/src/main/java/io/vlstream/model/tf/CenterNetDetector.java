package io.vlstream.model.tf;

import io.vlstream.avro.Detection;
import io.vlstream.avro.ModelRef;
import io.vlstream.model.CocoLabels;
import io.vlstream.model.DetectionPostProcessor;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ImageTensors;
import io.vlstream.model.ModelDevice;
import io.vlstream.model.ObjectDetector;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The MobileNetV3 CenterNet COCO-80 detector (from {@code @vladmandic/human}) run from its
 * converted SavedModel: input {@code images} float [1, 512, 512, 3] RGB 0..255, output {@code
 * detections} [1, 100, 6] rows {@code [x1, y1, x2, y2, score, class]} in input pixels, class ids
 * 0-based into {@link CocoLabels}.
 *
 * <p>The graph's batch size is fixed at 1 (its placeholder and the reshape constants of its top-k
 * decoding say so), so {@link #detectAll} runs images one after another. Safe for use from several
 * threads.
 */
public final class CenterNetDetector implements ObjectDetector {

    /** Lineage of this model on output records; copied out, as Avro records are mutable. */
    private static final ModelRef MODEL =
            new ModelRef("detector", "coco-centernet-mobilenetv3", "human-3.3.6");

    static final String INPUT = "images";
    static final String OUTPUT = "detections";

    private final Path savedModel;
    private final SavedModelBundle bundle;
    private final SessionFunction function;
    private final int inputHeight;
    private final int inputWidth;
    private final DetectionPostProcessor postProcessor;

    /**
     * Loads the SavedModel written by {@link TfjsGraphImporter} from {@code savedModelDir}, placed
     * by TensorFlow.
     *
     * @throws IllegalArgumentException if the directory holds no SavedModel with the expected
     *     signature
     */
    public CenterNetDetector(Path savedModelDir, DetectorSettings settings) {
        this(savedModelDir, settings, ModelDevice.ANY);
    }

    /**
     * Loads the SavedModel written by {@link TfjsGraphImporter} from {@code savedModelDir}, on
     * {@code device}.
     *
     * @throws IllegalArgumentException if the directory holds no SavedModel with the expected
     *     signature
     */
    public CenterNetDetector(Path savedModelDir, DetectorSettings settings, ModelDevice device) {
        if (!Files.isRegularFile(savedModelDir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException("No SavedModel in " + savedModelDir);
        }
        this.savedModel = savedModelDir;
        this.bundle =
                SavedModelBundle.loader(savedModelDir.toString())
                        .withTags(SavedModelBundle.DEFAULT_TAG)
                        .withConfigProto(
                                SavedModels.sessionConfig(settings.intraOpThreads(), device)
                                        .build())
                        .load();
        try {
            this.function = bundle.function(Signature.DEFAULT_KEY);
            Signature.TensorDescription input = function.signature().getInputs().get(INPUT);
            if (input == null || !function.signature().outputNames().contains(OUTPUT)) {
                throw new IllegalArgumentException(
                        "SavedModel "
                                + savedModelDir
                                + " lacks input '"
                                + INPUT
                                + "' or output '"
                                + OUTPUT
                                + "': "
                                + function.signature());
            }
            Shape shape = input.shape;
            if (shape.numDimensions() != 4 || shape.size(3) != 3 || shape.size(1) < 1) {
                throw new IllegalArgumentException(
                        "SavedModel " + savedModelDir + " takes " + shape + ", expected [1,H,W,3]");
            }
            this.inputHeight = (int) shape.size(1);
            this.inputWidth = (int) shape.size(2);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
        this.postProcessor = new DetectionPostProcessor(settings, CocoLabels::label);
    }

    @Override
    public List<Detection> detect(BufferedImage image) {
        float[] pixels = ImageTensors.rgb255(image, inputWidth, inputHeight);
        float[] rows;
        try (TFloat32 input =
                        TFloat32.tensorOf(
                                Shape.of(1, inputHeight, inputWidth, 3),
                                DataBuffers.of(pixels, true, false));
                Result result = function.call(Map.of(INPUT, input))) {
            Tensor output =
                    result.get(OUTPUT)
                            .orElseThrow(
                                    () ->
                                            new IllegalStateException(
                                                    "Model "
                                                            + savedModel
                                                            + " returned no "
                                                            + OUTPUT));
            if (!(output instanceof TFloat32)) {
                throw new IllegalStateException(
                        "Model "
                                + savedModel
                                + " returned "
                                + output.dataType()
                                + ", expected float");
            }
            TFloat32 detections = (TFloat32) output;
            rows = new float[(int) detections.shape().size()];
            detections.copyTo(DataBuffers.of(rows, false, false));
        }
        return postProcessor.process(
                rows, inputWidth, inputHeight, image.getWidth(), image.getHeight());
    }

    /** Detections for each image, in order; the graph takes one image at a time. */
    public List<List<Detection>> detectAll(List<BufferedImage> images) {
        List<List<Detection>> out = new ArrayList<>(images.size());
        for (BufferedImage image : images) {
            out.add(detect(image));
        }
        return out;
    }

    @Override
    public ModelRef model() {
        return ModelRef.newBuilder(MODEL).build();
    }

    @Override
    public List<String> labels() {
        return CocoLabels.LABELS;
    }

    @Override
    public void close() {
        bundle.close();
    }
}
