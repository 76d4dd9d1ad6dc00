package io.vlstream.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.QueryTerm;
import io.vlstream.eval.MomentMatching.Interval;
import io.vlstream.eval.SelectionEval.MethodResult;
import io.vlstream.selection.SelectionPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The eval harness on a 10-second, 10 fps clip where every figure can be worked out by hand: a
 * person in frames 10-29 (1.0-3.0 s) and 60-64 (6.0-6.5 s), nothing else.
 */
class SelectionEvalTest {

    private static final long STEP = 100_000L;

    private static List<EvalFrame> clip(byte[] thumbnail) {
        List<EvalFrame> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            boolean person = (i >= 10 && i <= 29) || (i >= 60 && i <= 64);
            List<Detection> detections =
                    person
                            ? List.of(
                                    new Detection("person", 0, 0.9f, new Box(10f, 10f, 60f, 200f)))
                            : List.of();
            frames.add(new EvalFrame(i, i * STEP, 768, 576, detections, thumbnail));
        }
        return frames;
    }

    private static SelectionEval.Instruction person() {
        CompiledQuery query =
                CompiledQuery.newBuilder()
                        .setTerms(
                                List.of(
                                        QueryTerm.newBuilder()
                                                .setPhrase("a person")
                                                .setHead("person")
                                                .setLabels(List.of("person"))
                                                .setMinCount(1)
                                                .build()))
                        .setRelations(List.of())
                        .setUngroundedWords(List.of())
                        .setModels(List.of())
                        .build();
        return new SelectionEval.Instruction(
                "person", "a person", query, 0.5f, 3, ThresholdMode.FIXED, 0.9f);
    }

    private static SelectionEval eval(int framesPerMinute, ChangeGate gate) {
        return new SelectionEval(
                new SelectionEval.Settings(
                        SelectionPolicy.defaults(),
                        10_000_000L,
                        framesPerMinute,
                        gate,
                        0.5,
                        STEP,
                        0.3f));
    }

    private static MethodResult method(SelectionEval.Report report, String name) {
        return report.instructions().get(0).methods().stream()
                .filter(m -> m.method().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void handComputedRecallAndPrecisionAtOneFrameASecond() {
        SelectionEval.Report report =
                eval(60, ChangeGate.disabled()).run(clip(null), List.of(person()));

        // Reference: the two runs of person frames, each frame covering 0.1 s.
        assertThat(report.instructions().get(0).reference())
                .containsExactly(
                        new Interval(1_000_000L, 3_000_000L), new Interval(6_000_000L, 6_500_000L));
        assertThat(report.minutes()).isCloseTo(10.0 / 60, within(1e-9));

        // vlstream runs the same tracker on the same scores: both moments. The person's box never
        // moves, so each moment's frames are near-duplicates: one evidence frame each.
        MethodResult vl = method(report, SelectionEval.VLSTREAM);
        assertThat(vl).isEqualTo(new MethodResult(SelectionEval.VLSTREAM, 2, 2, 2, 2, 2));

        // Uniform at 60/min: frames 5, 15, ..., 95. Picks 15 and 25 see the person and cover
        // frames 10-29 exactly; pick 65 (6.5 s) just misses the second run, so it is lost.
        MethodResult uniform = method(report, SelectionEval.UNIFORM);
        assertThat(uniform).isEqualTo(new MethodResult(SelectionEval.UNIFORM, 2, 1, 1, 10, 10));
        assertThat(uniform.recall()).isEqualTo(0.5);
        assertThat(uniform.precision()).isEqualTo(1.0);

        // Top-k, k = 10: the ten best scores are frames 10-19 (ties go to the earlier frame);
        // they cover 0.5-2.5 s: IoU with 1.0-3.0 s is 1.5 / 2.5 = 0.6, a match; 6.0 s is missed.
        MethodResult topK = method(report, SelectionEval.TOP_K);
        assertThat(topK).isEqualTo(new MethodResult(SelectionEval.TOP_K, 2, 1, 1, 10, 10));

        assertThat(report.modelCalls()).isEqualTo(100);
        assertThat(report.overall()).hasSize(4);
        assertThat(report.overall().get(0)).isEqualTo(vl);
    }

    @Test
    void aTightBudgetWithholdsCaptionsAndCostsVlstreamRecall() {
        // 1 frame a minute: the first moment takes it, the second gets none and is withheld.
        SelectionEval.Report report =
                eval(1, ChangeGate.disabled()).run(clip(null), List.of(person()));

        MethodResult vl = method(report, SelectionEval.VLSTREAM);
        assertThat(vl.framesSent()).isEqualTo(1);
        assertThat(vl.moments()).isEqualTo(1);
        assertThat(vl.recall()).isEqualTo(0.5);
    }

    @Test
    void theGateReusesAnalysesOfIdenticalFramesForAtMostItsReuseAge() {
        byte[] same = new byte[ChangeGate.WIDTH * ChangeGate.HEIGHT];
        ChangeGate gate = new ChangeGate(true, 0.005, 0.03, 2_000_000L);

        SelectionEval.Gated gated = eval(60, gate).gate(clip(same), gate);

        // Frames 0, 21, 42, 63, 84 are analyzed; each is reused for the next 2 s.
        assertThat(gated.modelCalls()).isEqualTo(5);
        assertThat(gated.detections().get(20)).isEmpty();
        assertThat(gated.detections().get(21)).isNotEmpty();
        assertThat(gated.detections().get(41)).isNotEmpty();
    }

    @Test
    void theMostFramesInAnyMinuteSlidesOverEventTime() {
        long s = 1_000_000L;
        assertThat(SelectionEval.maxInAMinute(List.of())).isZero();
        assertThat(SelectionEval.maxInAMinute(List.of(0L, 10 * s, 59 * s, 60 * s, 61 * s)))
                .isEqualTo(4);
    }

    @Test
    void matchingIsOneToOneAtTheIouThreshold() {
        List<Interval> ref = List.of(new Interval(0, 10), new Interval(20, 30));
        // One long prediction overlaps both but matches neither at 0.5; a near copy matches.
        assertThat(MomentMatching.matches(ref, List.of(new Interval(0, 30)), 0.5)).isZero();
        assertThat(
                        MomentMatching.matches(
                                ref, List.of(new Interval(1, 10), new Interval(2, 10)), 0.5))
                .isEqualTo(1);
        assertThat(MomentMatching.iou(new Interval(0, 10), new Interval(5, 15)))
                .isCloseTo(5.0 / 15, within(1e-12));
    }

    @Test
    void cacheRoundTrips(@TempDir Path dir) throws Exception {
        List<EvalFrame> frames = clip(new byte[] {1, 2, 3});
        Path file = dir.resolve("x.bin");
        DetectionCache.write(file, frames);

        List<EvalFrame> back = DetectionCache.read(file).orElseThrow();

        assertThat(back).hasSize(100);
        assertThat(back.get(15).detections()).isEqualTo(frames.get(15).detections());
        assertThat(back.get(15).thumbnail()).containsExactly(1, 2, 3);
        assertThat(DetectionCache.read(dir.resolve("missing.bin"))).isEmpty();
    }
}
