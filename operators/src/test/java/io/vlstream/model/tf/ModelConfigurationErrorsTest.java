package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.model.Captioner;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ModelConfigurationException;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.engines.Models;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Each way a model can be misconfigured gives one {@link ModelConfigurationException} that says
 * what was expected and what was found.
 */
class ModelConfigurationErrorsTest {

    @TempDir static Path dir;
    static Path dual;
    static Path captioner;

    @BeforeAll
    static void build() throws IOException {
        dual = TestSavedModels.dualEncoder(dir.resolve("dual"));
        captioner = TestSavedModels.captioner(dir.resolve("captioner"));
    }

    private static void assertDualFails(String spec, String... fragments) {
        assertThatThrownBy(() -> Models.dualEncoder(spec).close())
                .isInstanceOf(ModelConfigurationException.class)
                .message()
                .contains(fragments);
    }

    @Test
    void unknownOrMissingScheme() {
        assertDualFails(
                "onnx:/models/clip",
                "unknown scheme 'onnx'",
                "expected one of builtin:, savedmodel:, openai:");
        assertDualFails("/models/clip", "has no scheme");
        assertDualFails("", "is empty");
    }

    @Test
    void aSchemeThatCannotServeTheRole() {
        assertDualFails(
                "openai:http://localhost:8000/v1?model=x",
                "cannot be a dual encoder",
                "expected savedmodel:",
                "found scheme openai:");
        assertThatThrownBy(() -> Models.captioner("openai:http://localhost:8000/v1?model=x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("served model")
                .hasMessageContaining("asynchronously");
        assertThatThrownBy(() -> Models.detector("builtin:yolo", DetectorSettings.defaults()))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("expected builtin:coco-centernet")
                .hasMessageContaining("found the built-in name 'yolo'");
        assertThatThrownBy(() -> Models.captioner("builtin:coco-centernet"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("cannot be a captioner");
    }

    @Test
    void missingDirectoryOrSavedModel() throws IOException {
        assertDualFails(
                "savedmodel:" + dir.resolve("nowhere"),
                "expected a SavedModel directory at " + dir.resolve("nowhere"),
                "found nothing");
        Path empty = Files.createDirectories(dir.resolve("not-a-model"));
        Files.writeString(empty.resolve("README.txt"), "hi");
        assertDualFails("savedmodel:" + empty, "expected saved_model.pb in", "found [README.txt]");
    }

    @Test
    void missingSignatureListsTheOnesThereAre() {
        assertDualFails(
                "savedmodel:" + captioner,
                "(dual-encoder)",
                "expected a signature named 'encode_image'",
                "found signatures [decoder_step, encoder]");
        assertThatThrownBy(() -> Models.captioner("savedmodel:" + dual + "?stop-tokens=[EOS]"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("expected a signature named 'encoder'")
                .hasMessageContaining("found signatures [encode_image, encode_text, logit_scale]");
    }

    @Test
    void signatureWithoutTheExpectedInputsListsTheActualOnes() throws IOException {
        Path model =
                TestSavedModels.export(
                        dir.resolve("odd-inputs"),
                        tf -> {
                            Placeholder<TFloat32> pixels =
                                    tf.withName("pixels")
                                            .placeholder(
                                                    TFloat32.class,
                                                    Placeholder.shape(Shape.of(-1, 8, 8, 3)));
                            Placeholder<TFloat32> gain =
                                    tf.withName("gain")
                                            .placeholder(
                                                    TFloat32.class,
                                                    Placeholder.shape(Shape.scalar()));
                            return List.of(
                                    Signature.builder("encode_image")
                                            .input("pixels", pixels)
                                            .input("gain", gain)
                                            .output(
                                                    "embeddings",
                                                    TestSavedModels.meanRgb(tf, pixels))
                                            .build(),
                                    TestSavedModels.textTower(tf));
                        });
        assertDualFails(
                "savedmodel:" + model,
                "signature 'encode_image' needs an input for images named one of [images,"
                        + " pixel_values, image, input] (or set image-input=NAME)",
                "found inputs {gain: float [], pixels: float [?, 8, 8, 3]}");
        assertDualFails(
                "savedmodel:" + model + "?image-input=pixels",
                "signature 'encode_image' must take only the images",
                "found inputs {gain: float [], pixels: float [?, 8, 8, 3]}");
        assertDualFails(
                "savedmodel:" + model + "?image-input=pixel_values",
                "has no input 'pixel_values' (image-input)",
                "found inputs {gain: float [], pixels: float [?, 8, 8, 3]}");
    }

    @Test
    void wrongDtypeOrRank() throws IOException {
        Path intImages =
                TestSavedModels.export(
                        dir.resolve("int-images"),
                        tf -> {
                            Placeholder<TInt32> images =
                                    tf.withName("images")
                                            .placeholder(
                                                    TInt32.class,
                                                    Placeholder.shape(Shape.of(-1, 8, 8, 3)));
                            return List.of(
                                    Signature.builder("encode_image")
                                            .input("images", images)
                                            .output(
                                                    "embeddings",
                                                    tf.dtypes.cast(
                                                            tf.sum(
                                                                    images,
                                                                    tf.constant(new int[] {1, 2})),
                                                            TFloat32.class))
                                            .build(),
                                    TestSavedModels.textTower(tf));
                        });
        assertDualFails(
                "savedmodel:" + intImages,
                "signature 'encode_image' input 'images' (images): expected float",
                "found int32 [?, 8, 8, 3]");
        Path rank3 =
                TestSavedModels.export(
                        dir.resolve("rank3"),
                        tf -> {
                            Placeholder<TFloat32> images = TestSavedModels.images(tf, 8);
                            return List.of(
                                    Signature.builder("encode_image")
                                            .input("images", images)
                                            .output(
                                                    "embeddings",
                                                    tf.expandDims(
                                                            TestSavedModels.meanRgb(tf, images),
                                                            tf.constant(1)))
                                            .build(),
                                    TestSavedModels.textTower(tf));
                        });
        assertDualFails(
                "savedmodel:" + rank3,
                "output 'embeddings' (image embeddings): expected float [batch, D]",
                "found float [?, 1, 3]");
    }

    @Test
    void embeddingSizesMustAgree() throws IOException {
        // Image tower of 3 dims (mean RGB) against the text tower's 4.
        Path model =
                TestSavedModels.export(
                        dir.resolve("mismatch"),
                        tf -> {
                            Placeholder<TFloat32> images = TestSavedModels.images(tf, 8);
                            return List.of(
                                    Signature.builder("encode_image")
                                            .input("images", images)
                                            .output(
                                                    "embeddings",
                                                    TestSavedModels.meanRgb(tf, images))
                                            .build(),
                                    TestSavedModels.textTower(tf));
                        });
        TestSavedModels.writeTokenizer(model.resolve("tokenizer.json"));
        assertDualFails(
                "savedmodel:" + model + "?logit-scale=10",
                "expected image and text embeddings of one size, found 3 (image) and 4 (text)");
    }

    @Test
    void missingCalibrationTokenizerOrStopTokens() throws IOException {
        Path noScale =
                TestSavedModels.export(
                        dir.resolve("no-scale"),
                        tf ->
                                List.of(
                                        TestSavedModels.imageTower(tf, 8),
                                        TestSavedModels.textTower(tf)));
        assertDualFails(
                "savedmodel:" + noScale,
                "expected a Hugging Face tokenizer.json at " + noScale.resolve("tokenizer.json"),
                "found nothing (set tokenizer=PATH)");
        assertDualFails(
                "savedmodel:" + noScale + "?tokenizer=" + dual.resolve("tokenizer.json"),
                "expected the logit scale as a spec parameter (logit-scale=100",
                "found neither (signatures [encode_image, encode_text])");
        try (DualEncoder ok =
                Models.dualEncoder(
                        "savedmodel:"
                                + noScale
                                + "?tokenizer="
                                + dual.resolve("tokenizer.json")
                                + "&logit-scale=10")) {
            assertThat(ok.calibration().scale()).isEqualTo(10f);
        }
        assertThatThrownBy(() -> Models.captioner("savedmodel:" + captioner))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("expected stop-tokens=TOKEN");
        assertThatThrownBy(() -> Models.captioner("savedmodel:" + captioner + "?stop-tokens=</s>"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("stop-tokens: '</s>' is not a single token of");
    }

    @Test
    void typosAndBadValuesInParameters() {
        assertDualFails(
                "savedmodel:" + dual + "?logit_scale=10",
                "unknown parameter(s) [logit_scale]",
                "expected some of [",
                "logit-scale");
        assertDualFails(
                "savedmodel:" + dual + "?max-batch=lots",
                "parameter 'max-batch' is 'lots', expected an integer");
        assertDualFails(
                "savedmodel:" + dual + "?pixels=0-2",
                "parameter 'pixels' is '0-2', expected one of 0-1, 0-255, clip, siglip, imagenet");
        assertDualFails(
                "savedmodel:" + dual + "?image-size=224",
                "image-size=224 but signature 'encode_image' input 'images' has shape [?, 8, 8, 3]");
        assertDualFails(
                "savedmodel:" + dual + "?max-length=12",
                "max-length=12 but signature 'encode_text' takes token ids of shape [?, 6]");
    }

    @Test
    void aGpuThatIsNotADeviceIndex() {
        for (String gpu : List.of("abc", "-1", "cuda:0")) {
            assertThatThrownBy(
                            () ->
                                    Models.detector(
                                            "builtin:coco-centernet?gpu=" + gpu,
                                            DetectorSettings.defaults()))
                    .isInstanceOf(ModelConfigurationException.class)
                    .hasMessageContaining(
                            "parameter 'gpu' is '" + gpu + "', expected a CUDA device index");
        }
        assertThatThrownBy(
                        () ->
                                Models.detector(
                                        "builtin:coco-centernet?device=gpu",
                                        DetectorSettings.defaults()))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("parameter 'device' is 'gpu', expected one of auto, cpu");
        assertDualFails(
                "savedmodel:" + dual + "?gpu=abc",
                "parameter 'gpu' is 'abc', expected a CUDA device index");
    }

    @Test
    void factoriesOpenOnTheGpuTheyAreGivenUnlessTheSpecChoseOne() throws Exception {
        // An index that is not one shows it reached the spec (and fails before any model loads).
        ModelFactory<ObjectDetector> detectors =
                roundTrip(
                        Models.detectorFactory(
                                "builtin:coco-centernet?threads=1", DetectorSettings.defaults()));
        assertThatThrownBy(() -> detectors.create("x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("'builtin:coco-centernet?threads=1&gpu=x'");
        ModelFactory<Captioner> captions =
                roundTrip(
                        Models.captionerFactory(
                                "savedmodel:" + captioner + "?bos-token=[BOS]&stop-tokens=[EOS]"));
        assertThatThrownBy(() -> captions.create("x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("parameter 'gpu' is 'x'");
        ModelFactory<DualEncoder> encoders =
                roundTrip(Models.dualEncoderFactory("savedmodel:" + dual));
        assertThatThrownBy(() -> encoders.create("x"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("parameter 'gpu' is 'x'");
        // The spec's own choice wins: the index is not added.
        roundTrip(
                        Models.captionerFactory(
                                "savedmodel:"
                                        + captioner
                                        + "?bos-token=[BOS]&stop-tokens=[EOS]&device=cpu"))
                .create("x")
                .close();
    }

    @Test
    void factoriesCheckTheSpecEarlyAndOpenWhereTheyRun() throws Exception {
        assertThatThrownBy(() -> Models.captionerFactory("openai:http://h:1/v1?model=m"))
                .isInstanceOf(ModelConfigurationException.class);
        assertThatThrownBy(() -> Models.dualEncoderFactory("savedmodel"))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("has no scheme");
        ModelFactory<DualEncoder> factory =
                roundTrip(Models.dualEncoderFactory("savedmodel:" + dual));
        try (DualEncoder encoder = factory.create()) {
            assertThat(encoder.dimension()).isEqualTo(TestSavedModels.DIM);
        }
        ModelFactory<Captioner> captions =
                roundTrip(
                        Models.captionerFactory(
                                "savedmodel:" + captioner + "?bos-token=[BOS]&stop-tokens=[EOS]"));
        captions.create().close();
        // The built-in detector's parameters and device are checked before anything opens.
        assertThatThrownBy(
                        () ->
                                Models.detectorFactory(
                                        "builtin:coco-centernet?gpu=cuda:0",
                                        DetectorSettings.defaults()))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("parameter 'gpu' is 'cuda:0'");
        assertThatThrownBy(
                        () ->
                                Models.detectorFactory(
                                        "builtin:coco-centernet?min-scor=0.5",
                                        DetectorSettings.defaults()))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("min-scor");
        assertThatThrownBy(
                        () ->
                                Models.detectorFactory(
                                        "builtin:coco-centernet?nms-iou=2",
                                        DetectorSettings.defaults()))
                .isInstanceOf(ModelConfigurationException.class)
                .hasMessageContaining("nmsIou must be within (0, 1], got 2.0");
        // Serializable even though DetectorSettings is not; opening it would fetch the model.
        assertThat(
                        roundTrip(
                                Models.detectorFactory(
                                        "builtin:coco-centernet", DetectorSettings.defaults())))
                .isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
