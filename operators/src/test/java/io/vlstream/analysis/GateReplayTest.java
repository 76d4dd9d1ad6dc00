package io.vlstream.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link GateReplay} without Flink: a batch is planned as if its frames came one at a time. */
class GateReplayTest {

    private static final byte[] DARK = thumbnail(0);
    private static final byte[] BRIGHT = thumbnail(200);

    private static byte[] thumbnail(int value) {
        byte[] t = new byte[ChangeGate.WIDTH * ChangeGate.HEIGHT];
        Arrays.fill(t, (byte) value);
        return t;
    }

    private static GateReplay.Frame frame(String stream, long sequence, byte[] thumbnail) {
        return new GateReplay.Frame(stream, sequence, sequence * 100_000, thumbnail);
    }

    private static ModelResult ok(String label) {
        return new ModelResult(
                List.of(new Detection(label, 0, 0.9f, new Box(1f, 2f, 3f, 4f))),
                List.of(),
                7,
                null);
    }

    /** Runs the plan loop the operator runs, answering each model call from {@code model}. */
    private static List<GateReplay.Decision> run(
            GateReplay replay,
            List<GateReplay.Frame> frames,
            Map<Long, ModelResult> model,
            List<List<Long>> calls) {
        Map<Integer, ModelResult> results = new HashMap<>();
        for (List<Integer> need = replay.needModel(frames, results);
                !need.isEmpty();
                need = replay.needModel(frames, results)) {
            calls.add(need.stream().map(i -> frames.get(i).sequence()).toList());
            for (int i : need) {
                results.put(i, model.get(frames.get(i).sequence()));
            }
        }
        return replay.decide(frames, results);
    }

    @Test
    void aFrameReusesAnEarlierFrameOfTheSameBatch() {
        GateReplay replay = new GateReplay(ChangeGate.defaults(), 10);
        List<List<Long>> calls = new java.util.ArrayList<>();

        List<GateReplay.Decision> decisions =
                run(
                        replay,
                        List.of(frame("a", 1, DARK), frame("a", 2, DARK), frame("b", 3, DARK)),
                        Map.of(1L, ok("person"), 3L, ok("car")),
                        calls);

        assertThat(calls).containsExactly(List.of(1L, 3L));
        assertThat(decisions.get(0)).isInstanceOf(GateReplay.Analyzed.class);
        assertThat(decisions.get(1))
                .isEqualTo(
                        new GateReplay.Reused(
                                1, ok("person").detections(), ok("person").embedding()));
        assertThat(decisions.get(2)).isInstanceOf(GateReplay.Analyzed.class);
    }

    @Test
    void whenTheModelFailsOnTheEarlierFrameTheLaterOneIsComparedWithWhatCameBefore() {
        GateReplay replay = new GateReplay(ChangeGate.defaults(), 10);
        List<List<Long>> calls = new java.util.ArrayList<>();
        run(replay, List.of(frame("a", 1, DARK)), Map.of(1L, ok("person")), calls);

        // Frame 2 changed; frame 3 looks like 2. 2 fails, so 3 is compared with 1: a change.
        List<GateReplay.Decision> decisions =
                run(
                        replay,
                        List.of(frame("a", 2, BRIGHT), frame("a", 3, BRIGHT)),
                        Map.of(
                                2L,
                                ModelResult.failed(new IllegalStateException("boom")),
                                3L,
                                ok("dog")),
                        calls);

        assertThat(calls).containsExactly(List.of(1L), List.of(2L), List.of(3L));
        assertThat(decisions.get(0)).isInstanceOf(GateReplay.Failed.class);
        assertThat(decisions.get(1)).isEqualTo(new GateReplay.Analyzed(ok("dog")));
    }

    @Test
    void theNextBatchReusesTheLastAnalysisUntilTheStreamIsDroppedFromTheCache() {
        GateReplay replay = new GateReplay(ChangeGate.defaults(), 1);
        List<List<Long>> calls = new java.util.ArrayList<>();
        run(replay, List.of(frame("a", 1, DARK)), Map.of(1L, ok("person")), calls);
        List<GateReplay.Decision> again =
                run(replay, List.of(frame("a", 2, DARK)), Map.of(), calls);
        assertThat(again.get(0)).isInstanceOf(GateReplay.Reused.class);

        // Stream b takes the cache's one place: a's next frame needs the model again.
        run(replay, List.of(frame("b", 3, DARK)), Map.of(3L, ok("car")), calls);
        run(replay, List.of(frame("a", 4, DARK)), Map.of(4L, ok("person")), calls);

        assertThat(calls).containsExactly(List.of(1L), List.of(3L), List.of(4L));
    }

    @Test
    void withTheGateOffEveryFrameGoesToTheModel() {
        GateReplay replay = new GateReplay(ChangeGate.disabled(), 10);
        List<List<Long>> calls = new java.util.ArrayList<>();

        List<GateReplay.Decision> decisions =
                run(
                        replay,
                        List.of(frame("a", 1, null), frame("a", 2, null)),
                        Map.of(1L, ok("person"), 2L, ok("person")),
                        calls);

        assertThat(calls).containsExactly(List.of(1L, 2L));
        assertThat(decisions).allMatch(d -> d instanceof GateReplay.Analyzed);
    }

    @Test
    void decidingBeforeEveryNeededResultIsInFailsLoudly() {
        GateReplay replay = new GateReplay(ChangeGate.defaults(), 10);
        assertThatThrownBy(() -> replay.decide(List.of(frame("a", 1, DARK)), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no analysis");
        assertThatThrownBy(() -> new GateReplay(ChangeGate.defaults(), 0))
                .hasMessageContaining("maxStreams");
    }
}
