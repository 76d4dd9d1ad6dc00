package io.vlstream.model.tf;

import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.fetch.SampleMedia;
import io.vlstream.model.DetectorSettings;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.builtin.BuiltinModels;
import io.vlstream.model.engines.Models;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The converted real model on real photos; the boxes were checked by eye against the photos. */
class CenterNetDetectorTest {

    private static CenterNetDetector detector;

    @BeforeAll
    static void load() throws IOException {
        detector =
                new CenterNetDetector(
                        BuiltinModels.cocoCenterNetSavedModel(), DetectorSettings.defaults());
    }

    @AfterAll
    static void close() {
        if (detector != null) {
            detector.close();
        }
    }

    private static BufferedImage sample(String name) throws IOException {
        return ImageIO.read(SampleMedia.file(name).toFile());
    }

    private static Predicate<Detection> labelled(String label) {
        return d -> d.getLabel().toString().equals(label);
    }

    private static boolean contains(Box box, float x, float y) {
        return box.getX1() <= x && x <= box.getX2() && box.getY1() <= y && y <= box.getY2();
    }

    private static void assertWellFormed(List<Detection> detections, BufferedImage image) {
        assertThat(detections).isNotEmpty().hasSizeLessThanOrEqualTo(20);
        assertThat(detections)
                .isSortedAccordingTo(Comparator.comparing(Detection::getScore).reversed());
        assertThat(detections)
                .allSatisfy(
                        d -> {
                            assertThat(d.getScore()).isBetween(0.2f, 1f);
                            Box b = d.getBox();
                            assertThat(b.getX1()).isBetween(0f, b.getX2());
                            assertThat(b.getY1()).isBetween(0f, b.getY2());
                            assertThat(b.getX2()).isLessThanOrEqualTo(image.getWidth());
                            assertThat(b.getY2()).isLessThanOrEqualTo(image.getHeight());
                        });
    }

    @Test
    void findsMessiAndTheBall() throws IOException {
        // 548x342: the player fills the middle, from his raised hand (~70, 90) to his boot
        // (~455, 290); the ball lies at (~337..388, ~287..337), lower right of centre.
        BufferedImage image = sample("messi5.jpg");
        List<Detection> detections = detector.detect(image);

        assertWellFormed(detections, image);
        assertThat(detections)
                .filteredOn(labelled("person"))
                .anySatisfy(
                        player -> {
                            assertThat(player.getScore()).isGreaterThan(0.45f);
                            Box b = player.getBox();
                            assertThat(contains(b, 274, 171)).isTrue();
                            assertThat(b.getX1()).isBetween(50f, 130f);
                            assertThat(b.getY1()).isBetween(30f, 100f);
                            assertThat(b.getX2()).isBetween(410f, 490f);
                            assertThat(b.getY2()).isGreaterThan(300f);
                        });
        assertThat(detections)
                .filteredOn(labelled("sports ball"))
                .anySatisfy(
                        ball -> {
                            assertThat(ball.getScore()).isGreaterThan(0.5f);
                            assertThat(contains(ball.getBox(), 362, 312)).isTrue();
                            assertThat(ball.getBox().getX2() - ball.getBox().getX1())
                                    .isBetween(30f, 80f);
                        });
    }

    @Test
    void findsBothBasketballPlayers() throws IOException {
        // 640x480 greyscale: one man stands at the left (x ~35..170, head to feet), the other
        // is cut by the right edge (x ~435..640).
        BufferedImage image = sample("basketball1.png");
        List<Detection> detections = detector.detect(image);

        assertWellFormed(detections, image);
        assertThat(detections.get(0).getLabel().toString()).isEqualTo("person");
        assertThat(detections)
                .filteredOn(labelled("person"))
                .anySatisfy(
                        left -> {
                            assertThat(left.getScore()).isGreaterThan(0.6f);
                            Box b = left.getBox();
                            assertThat(b.getX1()).isBetween(0f, 60f);
                            assertThat(b.getX2()).isBetween(140f, 210f);
                            assertThat(b.getY1()).isBetween(40f, 110f);
                            assertThat(b.getY2()).isGreaterThan(440f);
                        })
                .anySatisfy(
                        right ->
                                assertThat((right.getBox().getX1() + right.getBox().getX2()) / 2)
                                        .isGreaterThan(480f));
    }

    @Test
    void detectAllMatchesDetectOnEachImage() throws IOException {
        List<BufferedImage> images = List.of(sample("basketball1.png"), sample("messi5.jpg"));
        List<List<Detection>> all = detector.detectAll(images);
        assertThat(all).hasSize(2);
        assertThat(all.get(0)).isEqualTo(detector.detect(images.get(0)));
        assertThat(all.get(1)).isEqualTo(detector.detect(images.get(1)));
    }

    /**
     * On a task manager that offers GPU 0 the factory opens the detector with {@code gpu=0}. These
     * CPU natives see no CUDA device: TensorFlow ignores the device list and runs on the CPU.
     */
    @Test
    void onTheTaskManagersGpuItDetectsAsPlacedByTensorFlow() throws IOException {
        BufferedImage image = sample("messi5.jpg");
        List<Detection> placed = detector.detect(image);
        ModelFactory<ObjectDetector> factory =
                Models.detectorFactory("builtin:coco-centernet", DetectorSettings.defaults());
        try (ObjectDetector onGpu = factory.create("0");
                ObjectDetector onCpu =
                        Models.detector(
                                "builtin:coco-centernet?device=cpu", DetectorSettings.defaults())) {
            assertThat(onGpu.detect(image)).isEqualTo(placed);
            assertThat(onCpu.detect(image)).isEqualTo(placed);
        }
    }

    @Test
    void namesItsModel() {
        assertThat(detector.model().getRole().toString()).isEqualTo("detector");
        assertThat(detector.model().getId().toString()).isEqualTo("coco-centernet-mobilenetv3");
        assertThat(detector.model().getVersion().toString()).isEqualTo("human-3.3.6");
        assertThat(detector.labels()).hasSize(80).startsWith("person", "bicycle", "car");
        // What the job compiles instructions against, known from the spec alone, is the same.
        assertThat(io.vlstream.model.engines.Models.detectorLabels("builtin:coco-centernet"))
                .isEqualTo(detector.labels());
    }

    /** Prints ms/frame for a 768x576 frame (vtest.avi's size); timing only, nothing asserted. */
    @Test
    void timing() throws IOException {
        BufferedImage frame = new BufferedImage(768, 576, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = frame.createGraphics();
        g.drawImage(sample("basketball1.png"), 0, 0, 768, 576, null);
        g.dispose();
        for (int threads : new int[] {1, 2}) {
            try (CenterNetDetector d =
                    new CenterNetDetector(
                            BuiltinModels.cocoCenterNetSavedModel(),
                            DetectorSettings.defaults().withIntraOpThreads(threads))) {
                for (int i = 0; i < 3; i++) {
                    d.detect(frame);
                }
                int n = 20;
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    d.detect(frame);
                }
                double ms = (System.nanoTime() - start) / 1e6 / n;
                long preStart = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    io.vlstream.model.ImageTensors.rgb255(frame, 512, 512);
                }
                double preMs = (System.nanoTime() - preStart) / 1e6 / n;
                System.out.printf(
                        "CenterNet 768x576, intraOpThreads=%d: %.1f ms/frame (pre-processing %.1f"
                                + " ms)%n",
                        threads, ms, preMs);
            }
        }
    }
}
