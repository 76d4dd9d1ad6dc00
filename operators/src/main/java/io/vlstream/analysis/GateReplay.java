package io.vlstream.analysis;

import io.vlstream.avro.Detection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a micro-batch with the change gate as if its frames came one at a time: which frames need
 * the model, and, once the model results are in, what each frame gets (a reused analysis, its own,
 * or a failure). Plain Java, no Flink; one per operator instance, not thread-safe.
 *
 * <p>Replaying in arrival order keeps batching from changing which frames are reused: a frame may
 * reuse an earlier frame of the same batch, and when the model fails on that earlier frame, the
 * later one is compared with what came before it. The last analysis per stream is a cache of at
 * most {@code maxStreams} streams (least recently seen dropped first), not Flink state.
 */
final class GateReplay {

    /** One frame of a batch, as the gate sees it; {@code thumbnail} is null with the gate off. */
    record Frame(String streamId, long sequence, long ptsMicros, byte[] thumbnail) {}

    /** What one frame of a batch gets. */
    sealed interface Decision {}

    /** The frame reuses the analysis of frame {@code fromSequence} of its stream. */
    record Reused(long fromSequence, List<Detection> detections, List<Float> embedding)
            implements Decision {}

    /** The models ran on the frame. */
    record Analyzed(ModelResult result) implements Decision {}

    /** The models failed on the frame. */
    record Failed(RuntimeException failure) implements Decision {}

    /** The last analyzed frame of a stream; detections and embedding are null while planning. */
    private record Last(
            byte[] thumbnail,
            long ptsMicros,
            long sequence,
            List<Detection> detections,
            List<Float> embedding) {}

    private final ChangeGate gate;
    private final int maxStreams;
    private final Map<String, Last> lastAnalyses;

    GateReplay(ChangeGate gate, int maxStreams) {
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams must be >= 1, got " + maxStreams);
        }
        this.gate = gate;
        this.maxStreams = maxStreams;
        this.lastAnalyses = newCache();
    }

    /**
     * The frames (indices into {@code frames}) that need the model and have no result yet, when
     * every frame without a result is assumed to succeed. Changes nothing.
     */
    List<Integer> needModel(List<Frame> frames, Map<Integer, ModelResult> results) {
        // Plan on a copy of the cache. Only the batch's streams matter, unless the cache may drop
        // entries meanwhile.
        Map<String, Last> plan = newCache();
        if (gate.enabled() && lastAnalyses.size() + frames.size() > maxStreams) {
            plan.putAll(lastAnalyses);
        } else if (gate.enabled()) {
            for (Frame f : frames) {
                Last last = lastAnalyses.get(f.streamId());
                if (last != null) {
                    plan.put(f.streamId(), last);
                }
            }
        }
        List<Integer> unknown = new ArrayList<>();
        replay(frames, results, plan, unknown, null);
        return unknown;
    }

    /**
     * What each frame gets, in arrival order, now that every frame that needs the model has a
     * result; remembers the batch's analyses for the next one.
     *
     * @throws IllegalStateException when a frame that needs the model has no result
     */
    List<Decision> decide(List<Frame> frames, Map<Integer, ModelResult> results) {
        List<Integer> unknown = new ArrayList<>();
        List<Decision> decisions = new ArrayList<>(frames.size());
        replay(frames, results, lastAnalyses, unknown, decisions);
        if (!unknown.isEmpty()) {
            throw new IllegalStateException("Frames " + unknown + " of a batch have no analysis");
        }
        return decisions;
    }

    private void replay(
            List<Frame> frames,
            Map<Integer, ModelResult> results,
            Map<String, Last> cache,
            List<Integer> unknown,
            List<Decision> decisions) {
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            Last last = gate.enabled() ? cache.get(frame.streamId()) : null;
            if (last != null
                    && gate.reuse(
                            last.thumbnail(),
                            last.ptsMicros(),
                            frame.thumbnail(),
                            frame.ptsMicros())) {
                add(decisions, new Reused(last.sequence(), last.detections(), last.embedding()));
                continue;
            }
            ModelResult result = results.get(i);
            if (result == null) {
                unknown.add(i);
            } else if (result.failure() != null) {
                add(decisions, new Failed(result.failure()));
                continue;
            } else {
                add(decisions, new Analyzed(result));
            }
            if (frame.thumbnail() != null) {
                cache.put(
                        frame.streamId(),
                        new Last(
                                frame.thumbnail(),
                                frame.ptsMicros(),
                                frame.sequence(),
                                result == null ? null : result.detections(),
                                result == null ? null : result.embedding()));
            }
        }
    }

    private static void add(List<Decision> decisions, Decision decision) {
        if (decisions != null) {
            decisions.add(decision);
        }
    }

    private Map<String, Last> newCache() {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Last> eldest) {
                return size() > maxStreams;
            }
        };
    }
}
