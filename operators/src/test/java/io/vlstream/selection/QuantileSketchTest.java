package io.vlstream.selection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantileSketchTest {

    @Test
    void tracksTheQuantileOfAUniformSeries() {
        QuantileSketch sketch = new QuantileSketch(0.9);
        Random random = new Random(1);
        double[] state = null;
        for (int i = 0; i < 10_000; i++) {
            state = sketch.add(state, random.nextDouble());
        }
        assertThat(sketch.estimate(state)).isCloseTo(0.9, within(0.02));
        assertThat(state).hasSize(QuantileSketch.STATE_LENGTH);
        assertThat(QuantileSketch.count(state)).isEqualTo(10_000);
    }

    @Test
    void tracksTheQuantileOfASkewedScoreSeries() {
        // Like a detector's scores: mostly 0 (nothing there), sometimes 0.4-0.8.
        QuantileSketch sketch = new QuantileSketch(0.8);
        Random random = new Random(7);
        double[] state = null;
        double[] all = new double[5_000];
        for (int i = 0; i < all.length; i++) {
            all[i] = random.nextDouble() < 0.6 ? 0.0 : 0.4 + 0.4 * random.nextDouble();
            state = sketch.add(state, all[i]);
        }
        Arrays.sort(all);
        double exact = all[(int) (0.8 * all.length)];
        assertThat(sketch.estimate(state)).isCloseTo(exact, within(0.03));
    }

    @Test
    void exactBelowFiveObservationsAndNaNWithNone() {
        QuantileSketch sketch = new QuantileSketch(0.5);
        assertThat(sketch.estimate(null)).isNaN();
        double[] state = sketch.add(null, 3);
        state = sketch.add(state, 1);
        state = sketch.add(state, 2);
        assertThat(sketch.estimate(state)).isEqualTo(2.0);
    }

    @Test
    void addDoesNotChangeItsArgument() {
        QuantileSketch sketch = new QuantileSketch(0.5);
        double[] state = null;
        for (int i = 0; i < 10; i++) {
            state = sketch.add(state, i);
        }
        double[] before = state.clone();
        sketch.add(state, 100);
        assertThat(state).containsExactly(before);
    }

    @Test
    void adaptiveThresholdWarmsUpThenFollowsTheQuantileAboveItsFloor() {
        QuantileSketch sketch = new QuantileSketch(0.9);
        double[] state = null;
        for (int i = 0; i < AdaptiveThreshold.WARMUP - 1; i++) {
            state = sketch.add(state, 0.7);
        }
        assertThat(AdaptiveThreshold.threshold(sketch, state, 0.4f)).isEqualTo(0.4f);
        state = sketch.add(state, 0.7);
        // A stream where the object is always seen at 0.7: only more than usual opens a moment.
        assertThat(AdaptiveThreshold.threshold(sketch, state, 0.4f))
                .isCloseTo(0.7f, within(0.001f));

        double[] empty = null;
        for (int i = 0; i < 200; i++) {
            empty = sketch.add(empty, 0.0);
        }
        // A stream where it is never seen: the floor, so noise opens nothing.
        assertThat(AdaptiveThreshold.threshold(sketch, empty, 0.4f)).isEqualTo(0.2f);
    }
}
