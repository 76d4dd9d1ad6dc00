package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionPostProcessorTest {

    private static final DetectorSettings SETTINGS = DetectorSettings.defaults();

    private static float[] rows(float[]... rows) {
        float[] out = new float[rows.length * DetectionPostProcessor.ROW];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * DetectionPostProcessor.ROW, 6);
        }
        return out;
    }

    private static List<Detection> process(DetectorSettings settings, float[] rows) {
        // Identity scaling: 512x512 model input, 512x512 image.
        return new DetectionPostProcessor(settings, CocoLabels::label)
                .process(rows, 512, 512, 512, 512);
    }

    @Test
    void overlappingLowerScoredBoxIsSuppressedWhateverItsClass() {
        // IoU of these two is 80/120 = 0.67 > 0.4.
        List<Detection> out =
                process(
                        SETTINGS,
                        rows(
                                new float[] {0, 0, 10, 10, 0.6f, 2},
                                new float[] {0, 0, 10, 8, 0.9f, 0},
                                new float[] {100, 100, 110, 110, 0.3f, 2}));

        assertThat(out).extracting(Detection::getScore).containsExactly(0.9f, 0.3f);
        assertThat(out.get(0).getLabel().toString()).isEqualTo("person");
        assertThat(out.get(1).getLabel().toString()).isEqualTo("car");
        assertThat(out.get(1).getClassId()).isEqualTo(2);
    }

    @Test
    void boxesOverlappingAtOrBelowTheIouThresholdAreKept() {
        // IoU = 50/150 = 0.33 < 0.4: both stay.
        List<Detection> out =
                process(
                        SETTINGS,
                        rows(
                                new float[] {0, 0, 10, 10, 0.9f, 0},
                                new float[] {5, 0, 15, 10, 0.8f, 0}));
        assertThat(out).hasSize(2);

        // The same pair at a 0.3 threshold: the second goes.
        assertThat(
                        process(
                                SETTINGS.withNmsIou(0.3f),
                                rows(
                                        new float[] {0, 0, 10, 10, 0.9f, 0},
                                        new float[] {5, 0, 15, 10, 0.8f, 0})))
                .hasSize(1);
    }

    @Test
    void dropsLowScoresAndNonFiniteClassesAndSortsBestFirst() {
        List<Detection> out =
                process(
                        SETTINGS,
                        rows(
                                new float[] {0, 0, 10, 10, 0.19f, 0},
                                new float[] {20, 20, 30, 30, 0.5f, 1},
                                new float[] {40, 40, 50, 50, 0.7f, Float.NaN},
                                new float[] {60, 60, 70, 70, 0.2f, 3},
                                new float[] {80, 80, 90, 90, 0.95f, 5}));
        assertThat(out).extracting(Detection::getScore).containsExactly(0.95f, 0.5f, 0.2f);
    }

    @Test
    void keepsAtMostMaxDetections() {
        float[][] many = new float[30][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new float[] {i * 20, 0, i * 20 + 10, 10, 0.3f + i * 0.01f, 0};
        }
        List<Detection> out = process(SETTINGS.withMaxDetections(5), rows(many));
        assertThat(out).hasSize(5);
        assertThat(out.get(0).getScore()).isCloseTo(0.59f, within(1e-6f));
        assertThat(out.get(4).getScore()).isCloseTo(0.55f, within(1e-6f));
    }

    @Test
    void scalesBoxesFromModelInputToImagePixelsAndClipsThem() {
        // 512x512 model input, 768x576 frame: x scales by 1.5, y by 1.125.
        List<Detection> out =
                new DetectionPostProcessor(SETTINGS, CocoLabels::label)
                        .process(
                                rows(
                                        new float[] {100, 200, 300, 400, 0.9f, 0},
                                        new float[] {-20, 480, 530, 600, 0.8f, 7}),
                                512,
                                512,
                                768,
                                576);

        assertThat(out).hasSize(2);
        Box inside = out.get(0).getBox();
        assertThat(new float[] {inside.getX1(), inside.getY1(), inside.getX2(), inside.getY2()})
                .containsExactly(new float[] {150f, 225f, 450f, 450f}, within(1e-3f));
        Box clipped = out.get(1).getBox();
        assertThat(new float[] {clipped.getX1(), clipped.getY1(), clipped.getX2(), clipped.getY2()})
                .containsExactly(new float[] {0f, 540f, 768f, 576f}, within(1e-3f));
        assertThat(out.get(1).getLabel().toString()).isEqualTo("truck");
    }

    @Test
    void cornersInEitherOrderMakeTheSameBox() {
        List<Detection> out = process(SETTINGS, rows(new float[] {30, 40, 10, 20, 0.9f, 0}));
        Box box = out.get(0).getBox();
        assertThat(new float[] {box.getX1(), box.getY1(), box.getX2(), box.getY2()})
                .containsExactly(10f, 20f, 30f, 40f);
    }

    @Test
    void iou() {
        float[] a = {0, 0, 10, 10};
        assertThat(DetectionPostProcessor.iou(a, a)).isEqualTo(1f);
        assertThat(DetectionPostProcessor.iou(a, new float[] {5, 5, 15, 15}))
                .isCloseTo(25f / 175f, within(1e-6f));
        assertThat(DetectionPostProcessor.iou(a, new float[] {10, 0, 20, 10})).isZero();
        assertThat(DetectionPostProcessor.iou(a, new float[] {3, 3, 3, 3})).isZero();
    }

    @Test
    void rejectsRowsOfTheWrongWidth() {
        assertThatThrownBy(() -> process(SETTINGS, new float[7]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 6");
    }
}
