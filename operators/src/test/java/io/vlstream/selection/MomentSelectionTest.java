package io.vlstream.selection;

import static io.vlstream.selection.SelectionTestData.STEP;
import static io.vlstream.selection.SelectionTestData.frame;
import static org.assertj.core.api.Assertions.assertThat;

import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.internal.ScoredFrame;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MomentSelectionTest {

    private static final long SECOND = 1_000_000L;

    private final MomentSelection selection =
            new MomentSelection(SelectionPolicy.defaults(), 10 * SECOND);

    /** Emissions with the pts (event time) at which they were made. */
    private record Out(long atMicros, MomentSelection.Emission emission) {}

    private static List<Out> run(
            MomentSelection selection, MomentSelection.KeyState state, List<ScoredFrame> frames) {
        List<Out> out = new ArrayList<>();
        long last = 0;
        for (ScoredFrame f : frames) {
            for (MomentSelection.Emission e : selection.onFrame(state, f)) {
                out.add(new Out(f.getPtsMicros(), e));
            }
            last = f.getPtsMicros();
        }
        MomentSelection.Emission e = selection.close(state, last);
        if (e != null) {
            out.add(new Out(last, e));
        }
        return out;
    }

    private static List<ScoredFrame> frames(
            long fromMicros, long toMicros, float score, int perMinute) {
        List<ScoredFrame> out = new ArrayList<>();
        for (long pts = fromMicros; pts < toMicros; pts += STEP) {
            ScoredFrame f = frame(pts, score);
            // Vary scores a little so better evidence keeps turning up.
            f.setScore(score + (float) ((pts / STEP) % 7) / 100f);
            f.setMaxFramesPerMinute(perMinute);
            out.add(f);
        }
        return out;
    }

    @Test
    void longMomentIsOpenedUpdatedThenFinal() {
        MomentSelection.KeyState state = new MomentSelection.KeyState();
        List<ScoredFrame> frames = new ArrayList<>(frames(0, 35 * SECOND, 0.8f, 0));
        frames.addAll(frames(35 * SECOND, 40 * SECOND, 0f, 0));

        List<Out> out = run(selection, state, frames);

        assertThat(out)
                .extracting(o -> o.emission().status())
                .containsExactly(
                        MomentStatus.OPEN,
                        MomentStatus.UPDATE,
                        MomentStatus.UPDATE,
                        MomentStatus.FINAL);
        assertThat(out).extracting(Out::atMicros).startsWith(10 * SECOND, 20 * SECOND, 30 * SECOND);
        assertThat(out)
                .extracting(o -> o.emission().moment().momentId())
                .containsOnly(out.get(0).emission().moment().momentId());
        Moment last = out.get(3).emission().moment();
        assertThat(last.startMicros()).isZero();
        assertThat(last.endMicros()).isEqualTo(35 * SECOND - STEP);
        // Nothing is sent twice, and every caption carries only frames that were sent.
        Set<Long> sent = new HashSet<>();
        for (Out o : out) {
            for (ScoredFrame f : o.emission().newlySent()) {
                assertThat(sent.add(f.getSequence())).isTrue();
            }
            assertThat(o.emission().moment().evidence())
                    .allSatisfy(f -> assertThat(sent).contains(f.getSequence()));
        }
        // Each update shows the moment as it is now: a frame from the last interval.
        for (Out o : out.subList(1, 3)) {
            assertThat(o.emission().newlySent())
                    .anySatisfy(
                            f ->
                                    assertThat(f.getPtsMicros())
                                            .isGreaterThan(o.atMicros() - 10 * SECOND));
        }
        assertThat(state.isEmpty()).isTrue();
    }

    @Test
    void shortMomentOnlyGetsFinal() {
        MomentSelection.KeyState state = new MomentSelection.KeyState();
        List<ScoredFrame> frames = new ArrayList<>(frames(0, 3 * SECOND, 0.8f, 0));
        frames.addAll(frames(3 * SECOND, 6 * SECOND, 0f, 0));

        List<Out> out = run(selection, state, frames);

        assertThat(out).extracting(o -> o.emission().status()).containsExactly(MomentStatus.FINAL);
        assertThat(out.get(0).atMicros()).isEqualTo(4 * SECOND);
        assertThat(out.get(0).emission().moment().evidence()).hasSize(SelectionTestData.BUDGET);
    }

    @Test
    void budgetIsNeverExceededAndCaptionsWithoutFramesAreWithheld() {
        int perMinute = 5;
        MomentSelection.KeyState state = new MomentSelection.KeyState();
        List<ScoredFrame> frames = new ArrayList<>();
        // 40 moments of 3 s, 2 s apart, for 200 s; each would like 3 evidence frames.
        for (int i = 0; i < 40; i++) {
            frames.addAll(frames(i * 5 * SECOND, i * 5 * SECOND + 3 * SECOND, 0.8f, perMinute));
            frames.addAll(frames(i * 5 * SECOND + 3 * SECOND, (i + 1) * 5 * SECOND, 0f, perMinute));
        }

        List<Out> out = run(selection, state, frames);

        List<Long> sentAt = new ArrayList<>();
        for (Out o : out) {
            o.emission().newlySent().forEach(f -> sentAt.add(o.atMicros()));
            if (o.emission().withheld()) {
                assertThat(o.emission().moment().evidence()).isEmpty();
            } else {
                assertThat(o.emission().moment().evidence()).isNotEmpty();
            }
        }
        for (long end : sentAt) {
            assertThat(sentAt.stream().filter(t -> t > end - 60 * SECOND && t <= end).count())
                    .isLessThanOrEqualTo(perMinute);
        }
        assertThat(out).hasSize(40);
        assertThat(out).filteredOn(o -> o.emission().withheld()).isNotEmpty();
        // The budget is used, not wasted: about 5 a minute for 200 s.
        assertThat(sentAt).hasSizeGreaterThanOrEqualTo(15);
        assertThat(state.sentAtMicros).hasSizeLessThanOrEqualTo(perMinute);
    }

    @Test
    void adaptiveModeFindsMomentsOnADimStreamThatTheFixedThresholdMisses() {
        // A far camera: the object is seen 3 s in every 10 s, but only at 0.33 (fixed: 0.5).
        List<ScoredFrame> fixed = new ArrayList<>();
        List<ScoredFrame> adaptive = new ArrayList<>();
        for (long pts = 0; pts < 60 * SECOND; pts += STEP) {
            float score = pts % (10 * SECOND) < 3 * SECOND ? 0.33f : 0f;
            fixed.add(frame(pts, score));
            ScoredFrame f = frame(pts, score);
            f.setThresholdMode(ThresholdMode.ADAPTIVE);
            f.setAdaptiveQuantile(0.9f);
            adaptive.add(f);
        }

        MomentSelection.KeyState fixedState = new MomentSelection.KeyState();
        assertThat(run(selection, fixedState, fixed)).isEmpty();
        assertThat(fixedState.sketch).isNull();

        MomentSelection.KeyState state = new MomentSelection.KeyState();
        List<Out> out = run(selection, state, adaptive);

        // The first window falls in the warm-up (fixed threshold); the five after it are found.
        assertThat(out)
                .extracting(o -> o.emission().moment().startMicros())
                .containsExactly(10 * SECOND, 20 * SECOND, 30 * SECOND, 40 * SECOND, 50 * SECOND);
        assertThat(out).extracting(o -> o.emission().status()).containsOnly(MomentStatus.FINAL);
        assertThat(QuantileSketch.count(state.sketch)).isEqualTo(600);
    }
}
