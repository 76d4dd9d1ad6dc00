package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.model.DualEncoder;
import io.vlstream.model.SimilarityCalibration;
import io.vlstream.model.engines.Models;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SavedModel dual encoder on a real SavedModel built here, whose towers see colour. */
class SavedModelDualEncoderTest {

    @TempDir static Path dir;
    static Path model;

    static final BufferedImage RED = TestSavedModels.solid(Color.RED, 40, 30);
    static final BufferedImage BLUE = TestSavedModels.solid(Color.BLUE, 40, 30);
    static final BufferedImage PURPLE = TestSavedModels.solid(new Color(160, 0, 96), 40, 30);

    @BeforeAll
    static void build() throws IOException {
        model = TestSavedModels.dualEncoder(dir.resolve("colours"));
    }

    @Test
    void redMatchesTheRedImageAndNotTheBlueOne() {
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model)) {
            float[] scores = encoder.score(List.of(BLUE, RED, PURPLE), "a red square");
            assertThat(scores[1]).isGreaterThan(scores[2]).isGreaterThan(scores[0]);
            // Calibrated with the model's own scale 10 and bias -5.
            assertThat(scores[1]).isGreaterThan(0.9f);
            assertThat(scores[0]).isLessThan(0.1f);
            float[] blue = encoder.score(List.of(BLUE, RED), "BLUE");
            assertThat(blue[0]).isGreaterThan(0.9f);
            assertThat(blue[1]).isLessThan(0.1f);
        }
    }

    @Test
    void readsCalibrationFromTheModelAndLetsTheSpecOverrideIt() {
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model)) {
            assertThat(encoder.calibration()).isEqualTo(new SimilarityCalibration(10f, -5f));
            assertThat(encoder.dimension()).isEqualTo(TestSavedModels.DIM);
        }
        try (DualEncoder encoder =
                Models.dualEncoder("savedmodel:" + model + "?logit-scale=100&logit-bias=-25")) {
            assertThat(encoder.calibration()).isEqualTo(new SimilarityCalibration(100f, -25f));
        }
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model + "?logit-scale=50")) {
            // A spec scale without a bias: the model's bias is not mixed in.
            assertThat(encoder.calibration()).isEqualTo(new SimilarityCalibration(50f, 0f));
        }
    }

    @Test
    void embeddingsAreUnitLengthAndBatchedLikeOneByOne() {
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model + "?max-batch=2")) {
            assertThat(encoder.maxBatchSize()).isEqualTo(2);
            List<BufferedImage> images = List.of(RED, BLUE, PURPLE, RED, BLUE);
            float[][] batched = encoder.encodeImages(images);
            assertThat(batched.length).isEqualTo(5);
            for (int i = 0; i < images.size(); i++) {
                float[] single = encoder.encodeImage(images.get(i));
                assertThat(batched[i])
                        .containsExactly(single, org.assertj.core.data.Offset.offset(1e-6f));
                double norm = 0;
                for (float x : single) {
                    norm += x * x;
                }
                assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
            // Red image: mean RGB (1, 0, 0) + the constant component 0.2, normalised.
            float n = (float) Math.sqrt(1 + 0.04);
            assertThat(batched[0])
                    .containsExactly(
                            new float[] {1 / n, 0, 0, 0.2f / n},
                            org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void textIsEncodedOncePerDistinctText() {
        try (SavedModelDualEncoder encoder =
                (SavedModelDualEncoder) Models.dualEncoder("savedmodel:" + model)) {
            assertThat(encoder.cachedTexts()).isZero();
            float[] first = encoder.encodeText("a red square");
            float[] again = encoder.encodeText("a red square");
            encoder.encodeText("a blue square");
            assertThat(again).containsExactly(first);
            assertThat(encoder.cachedTexts()).isEqualTo(2);
            // Callers cannot corrupt the cache through the array they get.
            again[0] = 42f;
            assertThat(encoder.encodeText("a red square")).containsExactly(first);
        }
    }

    @Test
    void textLongerThanTheModelTakesIsTruncated() {
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model)) {
            // Six tokens fit; "red" is the eighth and is cut off, so this reads as blue.
            float[] t = encoder.encodeText("a photo of a blue square of red");
            assertThat(encoder.score(encoder.encodeImage(BLUE), t))
                    .isGreaterThan(encoder.score(encoder.encodeImage(RED), t));
        }
    }

    @Test
    void nchwModelsAreRecognisedFromTheirShape() throws IOException {
        // A PyTorch-style export: images [batch, 3, 8, 8], mean over H and W.
        Path nchw =
                TestSavedModels.export(
                        dir.resolve("nchw"),
                        tf -> {
                            var images =
                                    tf.withName("pixel_values")
                                            .placeholder(
                                                    org.tensorflow.types.TFloat32.class,
                                                    org.tensorflow.op.core.Placeholder.shape(
                                                            org.tensorflow.ndarray.Shape.of(
                                                                    -1, 3, 8, 8)));
                            var mean = tf.math.mean(images, tf.constant(new int[] {2, 3}));
                            var embeddings =
                                    tf.math.add(
                                            tf.linalg.matMul(
                                                    mean,
                                                    tf.constant(
                                                            new float[][] {
                                                                {1, 0, 0, 0},
                                                                {0, 1, 0, 0},
                                                                {0, 0, 1, 0}
                                                            })),
                                            tf.constant(new float[] {0, 0, 0, 0.2f}));
                            return List.of(
                                    org.tensorflow.Signature.builder("encode_image")
                                            .input("pixel_values", images)
                                            .output("image_embeds", embeddings)
                                            .build(),
                                    TestSavedModels.textTower(tf),
                                    TestSavedModels.calibration(tf));
                        });
        TestSavedModels.writeTokenizer(nchw.resolve("tokenizer.json"));
        try (SavedModelDualEncoder encoder =
                (SavedModelDualEncoder) Models.dualEncoder("savedmodel:" + nchw)) {
            assertThat(encoder.preprocessing().layout())
                    .isEqualTo(io.vlstream.model.ImagePreprocessing.Layout.NCHW);
            float[] scores = encoder.score(List.of(BLUE, RED), "red");
            assertThat(scores[1]).isGreaterThan(0.9f);
            assertThat(scores[0]).isLessThan(0.1f);
        }
        // Forcing the wrong layout is caught: 8 is not 3 channels.
        assertThatThrownBy(() -> Models.dualEncoder("savedmodel:" + nchw + "?layout=nhwc"))
                .hasMessageContaining(
                        "expected 3 (RGB) channels in NHWC layout, found shape [?, 3, 8, 8]");
    }

    @Test
    void lineageNamesTheDirectoryAndAHashOfTheExport() {
        try (DualEncoder encoder = Models.dualEncoder("savedmodel:" + model)) {
            assertThat(encoder.model().getRole()).isEqualTo("dual-encoder");
            assertThat(encoder.model().getId()).isEqualTo("colours");
            assertThat(encoder.model().getVersion()).matches("sha256:[0-9a-f]{12}");
        }
        try (DualEncoder encoder =
                Models.dualEncoder("savedmodel:" + model + "?id=clip-test&version=7")) {
            assertThat(encoder.model().getId()).isEqualTo("clip-test");
            assertThat(encoder.model().getVersion()).isEqualTo("7");
        }
    }
}
