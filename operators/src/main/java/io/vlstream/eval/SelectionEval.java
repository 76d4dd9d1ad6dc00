package io.vlstream.eval;

import io.vlstream.analysis.ChangeGate;
import io.vlstream.avro.Detection;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.internal.CompiledQuery;
import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.eval.MomentMatching.Interval;
import io.vlstream.scoring.FrameScorer;
import io.vlstream.selection.Moment;
import io.vlstream.selection.MomentSelection;
import io.vlstream.selection.MomentTracker;
import io.vlstream.selection.SelectionPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The measurement behind {@code vlstream eval}: for one video (frames with dense detections) and
 * one instruction, the dense reference moments and, against them, the moments and captioner frames
 * of vlstream's selection (with and without the change gate) and of two baselines at the same
 * budget. Pure: the caller supplies detections (from the model or a cache). See docs/eval.md for
 * the method; in short:
 *
 * <ul>
 *   <li><b>reference</b>: every frame scored, cut into moments by {@link MomentTracker} with the
 *       instruction's fixed threshold;
 *   <li><b>vlstream</b>: {@link MomentSelection} (the class the job runs) over the scores of the
 *       frames as the change gate delivers them (a reused frame carries the detections of the frame
 *       it reuses); its moments are its FINAL captions that the budget let through; frames sent are
 *       the frames its captions sent;
 *   <li><b>uniform</b>: one frame every {@code 60 s / budget}, the frame nearest the middle of each
 *       interval; <b>top-k</b>: the same number of frames, the highest dense scores, no spread. A
 *       baseline only knows the frames it sent: each frame of the video takes the verdict of the
 *       nearest sent frame within half the uniform interval (dense score at or above the threshold:
 *       an oracle captioner that agrees with the reference), none if there is none; that verdict
 *       series is cut into moments by the same tracker and policy.
 * </ul>
 */
public final class SelectionEval {

    /** Method names, in table order. */
    public static final String VLSTREAM = "vlstream";

    public static final String VLSTREAM_NO_GATE = "vlstream, no gate";
    public static final String UNIFORM = "uniform";
    public static final String TOP_K = "top-k";

    /**
     * How to run the evaluation.
     *
     * @param policy moment rules, for the reference, vlstream and the baselines alike
     * @param updateIntervalMicros OPEN/UPDATE interval of vlstream's captions
     * @param framesPerMinute the captioner budget (vlstream's limit, the baselines' rate); > 0
     * @param gate the change gate of the "vlstream" row
     * @param minIou temporal IoU at which a moment matches
     * @param frameIntervalMicros length one frame covers (1 / fps)
     * @param minDetectionScore detections below it are ignored when scoring
     */
    public record Settings(
            SelectionPolicy policy,
            long updateIntervalMicros,
            int framesPerMinute,
            ChangeGate gate,
            double minIou,
            long frameIntervalMicros,
            float minDetectionScore) {
        public Settings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(gate, "gate");
            if (framesPerMinute <= 0) {
                throw new IllegalArgumentException(
                        "framesPerMinute must be > 0 to compare at a budget, got "
                                + framesPerMinute);
            }
        }
    }

    /** An instruction to evaluate, compiled. */
    public record Instruction(
            String id,
            String text,
            CompiledQuery query,
            float threshold,
            int maxEvidenceFrames,
            ThresholdMode mode,
            float adaptiveQuantile) {}

    /** One method's figures for one instruction (or summed over all). */
    public record MethodResult(
            String method,
            int reference,
            int moments,
            int matched,
            int framesSent,
            int maxFramesInAMinute) {

        /** Matched / reference moments; NaN with no reference moment. */
        public double recall() {
            return reference == 0 ? Double.NaN : (double) matched / reference;
        }

        /** Matched / predicted moments; NaN with no predicted moment. */
        public double precision() {
            return moments == 0 ? Double.NaN : (double) matched / moments;
        }

        MethodResult plus(MethodResult o) {
            return new MethodResult(
                    method,
                    reference + o.reference,
                    moments + o.moments,
                    matched + o.matched,
                    framesSent + o.framesSent,
                    Math.max(maxFramesInAMinute, o.maxFramesInAMinute));
        }
    }

    /** Every method's figures for one instruction. */
    public record InstructionResult(
            Instruction instruction, List<Interval> reference, List<MethodResult> methods) {}

    /** The whole run. */
    public record Report(
            int frames,
            double minutes,
            int modelCalls,
            List<InstructionResult> instructions,
            List<MethodResult> overall) {}

    private final Settings settings;
    private final FrameScorer scorer;

    public SelectionEval(Settings settings) {
        this.settings = settings;
        this.scorer = new FrameScorer(settings.minDetectionScore());
    }

    /** What the change gate delivers: per frame, the detections the scorer sees. */
    public record Gated(List<List<Detection>> detections, int modelCalls) {}

    /** Runs the gate over the frames in order, as one analysis instance of the job does. */
    public Gated gate(List<EvalFrame> frames, ChangeGate gate) {
        List<List<Detection>> out = new ArrayList<>(frames.size());
        EvalFrame analyzed = null;
        int calls = 0;
        for (EvalFrame frame : frames) {
            if (analyzed != null
                    && gate.reuse(
                            analyzed.thumbnail(),
                            analyzed.ptsMicros(),
                            frame.thumbnail(),
                            frame.ptsMicros())) {
                out.add(analyzed.detections());
            } else {
                analyzed = frame;
                calls++;
                out.add(frame.detections());
            }
        }
        return new Gated(out, calls);
    }

    /** Evaluates every instruction on the frames (pts order). */
    public Report run(List<EvalFrame> frames, List<Instruction> instructions) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("no frames to evaluate");
        }
        List<List<Detection>> dense = new ArrayList<>();
        frames.forEach(f -> dense.add(f.detections()));
        Gated gated = gate(frames, settings.gate());
        List<InstructionResult> results = new ArrayList<>();
        List<MethodResult> overall = null;
        for (Instruction instruction : instructions) {
            InstructionResult r = evaluate(frames, dense, gated.detections(), instruction);
            results.add(r);
            if (overall == null) {
                overall = new ArrayList<>(r.methods());
            } else {
                for (int i = 0; i < overall.size(); i++) {
                    overall.set(i, overall.get(i).plus(r.methods().get(i)));
                }
            }
        }
        long span =
                frames.get(frames.size() - 1).ptsMicros()
                        - frames.get(0).ptsMicros()
                        + settings.frameIntervalMicros();
        return new Report(
                frames.size(),
                span / 60e6,
                gated.modelCalls(),
                results,
                overall == null ? List.of() : overall);
    }

    InstructionResult evaluate(
            List<EvalFrame> frames,
            List<List<Detection>> dense,
            List<List<Detection>> gated,
            Instruction instruction) {
        List<ScoredFrame> denseScored = score(frames, dense, instruction);
        List<Interval> reference = referenceMoments(denseScored);
        List<MethodResult> methods = new ArrayList<>();
        methods.add(streaming(VLSTREAM, score(frames, gated, instruction), reference));
        methods.add(streaming(VLSTREAM_NO_GATE, denseScored, reference));
        long interval = 60_000_000L / settings.framesPerMinute();
        List<Integer> uniform = uniformPicks(frames, interval);
        methods.add(baseline(UNIFORM, denseScored, uniform, interval, reference));
        methods.add(
                baseline(
                        TOP_K,
                        denseScored,
                        topK(denseScored, uniform.size()),
                        interval,
                        reference));
        return new InstructionResult(instruction, reference, methods);
    }

    private List<ScoredFrame> score(
            List<EvalFrame> frames, List<List<Detection>> detections, Instruction instruction) {
        List<ScoredFrame> out = new ArrayList<>(frames.size());
        for (int i = 0; i < frames.size(); i++) {
            EvalFrame f = frames.get(i);
            var score =
                    scorer.score(
                            instruction.query(),
                            detections.get(i),
                            f.sequence(),
                            f.ptsMicros(),
                            f.width(),
                            f.height());
            out.add(
                    ScoredFrame.newBuilder()
                            .setStreamId("eval")
                            .setInstructionId(instruction.id())
                            .setInstructionText(instruction.text())
                            .setSequence(f.sequence())
                            .setPtsMicros(f.ptsMicros())
                            .setWidth(f.width())
                            .setHeight(f.height())
                            .setMediaType("image/jpeg")
                            .setImage(null)
                            .setScore(score.score())
                            .setThreshold(instruction.threshold())
                            .setMaxEvidenceFrames(instruction.maxEvidenceFrames())
                            .setContributions(score.contributions())
                            .setDetections(detections.get(i))
                            .setUngroundedTerms(instruction.query().getUngroundedWords())
                            .setModels(List.of())
                            .setReceivedAtMicros(0)
                            .setMaxFramesPerMinute(settings.framesPerMinute())
                            .setThresholdMode(instruction.mode())
                            .setAdaptiveQuantile(instruction.adaptiveQuantile())
                            .build());
        }
        return out;
    }

    /** Dense moments with the fixed threshold, whatever the instruction's mode. */
    private List<Interval> referenceMoments(List<ScoredFrame> scored) {
        MomentTracker tracker = new MomentTracker(settings.policy());
        List<Interval> out = new ArrayList<>();
        OpenMoment open = null;
        for (ScoredFrame frame : scored) {
            ScoredFrame fixed = ScoredFrame.newBuilder(frame).build();
            fixed.setThresholdMode(ThresholdMode.FIXED);
            MomentTracker.Step step = tracker.onFrame(open, fixed);
            add(out, step.closed());
            open = step.next();
        }
        add(out, tracker.close(open));
        return out;
    }

    private MethodResult streaming(
            String name, List<ScoredFrame> scored, List<Interval> reference) {
        MomentSelection selection =
                new MomentSelection(settings.policy(), settings.updateIntervalMicros());
        MomentSelection.KeyState state = new MomentSelection.KeyState();
        List<Interval> moments = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();
        long last = 0;
        for (ScoredFrame frame : scored) {
            // A copy: ADAPTIVE mode rewrites the frame's threshold.
            for (MomentSelection.Emission e :
                    selection.onFrame(state, ScoredFrame.newBuilder(frame).build())) {
                e.newlySent().forEach(f -> sentAt.add(frame.getPtsMicros()));
                if (e.status() == MomentStatus.FINAL && !e.withheld()) {
                    add(moments, e.moment());
                }
            }
            last = frame.getPtsMicros();
        }
        MomentSelection.Emission e = selection.close(state, last);
        if (e != null) {
            for (int i = 0; i < e.newlySent().size(); i++) {
                sentAt.add(last);
            }
            if (!e.withheld()) {
                add(moments, e.moment());
            }
        }
        return result(name, reference, moments, sentAt);
    }

    private MethodResult baseline(
            String name,
            List<ScoredFrame> scored,
            List<Integer> picks,
            long interval,
            List<Interval> reference) {
        List<Integer> sorted = new ArrayList<>(picks);
        sorted.sort(Comparator.naturalOrder());
        MomentTracker tracker = new MomentTracker(settings.policy());
        List<Interval> moments = new ArrayList<>();
        OpenMoment open = null;
        int next = 0;
        for (int i = 0; i < scored.size(); i++) {
            ScoredFrame frame = scored.get(i);
            long pts = frame.getPtsMicros();
            while (next + 1 < sorted.size()
                    && Math.abs(scored.get(sorted.get(next + 1)).getPtsMicros() - pts)
                            <= Math.abs(scored.get(sorted.get(next)).getPtsMicros() - pts)) {
                next++;
            }
            boolean positive = false;
            if (!sorted.isEmpty()) {
                ScoredFrame nearest = scored.get(sorted.get(next));
                positive =
                        Math.abs(nearest.getPtsMicros() - pts) <= interval / 2
                                && nearest.getScore() >= nearest.getThreshold();
            }
            ScoredFrame verdict = ScoredFrame.newBuilder(frame).build();
            verdict.setScore(positive ? 1f : 0f);
            verdict.setThreshold(1f);
            MomentTracker.Step step = tracker.onFrame(open, verdict);
            add(moments, step.closed());
            open = step.next();
        }
        add(moments, tracker.close(open));
        List<Long> sentAt = new ArrayList<>();
        sorted.forEach(i -> sentAt.add(scored.get(i).getPtsMicros()));
        return result(name, reference, moments, sentAt);
    }

    /** The frame nearest the middle of each {@code interval} of the video. */
    static List<Integer> uniformPicks(List<EvalFrame> frames, long interval) {
        long start = frames.get(0).ptsMicros();
        long end = frames.get(frames.size() - 1).ptsMicros();
        List<Integer> picks = new ArrayList<>();
        int i = 0;
        for (long cell = start; cell <= end; cell += interval) {
            long middle = cell + interval / 2;
            while (i + 1 < frames.size()
                    && Math.abs(frames.get(i + 1).ptsMicros() - middle)
                            <= Math.abs(frames.get(i).ptsMicros() - middle)) {
                i++;
            }
            if (picks.isEmpty() || picks.get(picks.size() - 1) != i) {
                picks.add(i);
            }
        }
        return picks;
    }

    /** The {@code k} highest dense scores, earlier first on ties. */
    static List<Integer> topK(List<ScoredFrame> scored, int k) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            order.add(i);
        }
        order.sort(
                Comparator.comparingDouble((Integer i) -> scored.get(i).getScore())
                        .reversed()
                        .thenComparingInt(i -> i));
        return new ArrayList<>(order.subList(0, Math.min(k, order.size())));
    }

    private void add(List<Interval> out, Moment moment) {
        if (moment != null) {
            out.add(
                    new Interval(
                            moment.startMicros(),
                            moment.endMicros() + settings.frameIntervalMicros()));
        }
    }

    private MethodResult result(
            String name, List<Interval> reference, List<Interval> moments, List<Long> sentAt) {
        return new MethodResult(
                name,
                reference.size(),
                moments.size(),
                MomentMatching.matches(reference, moments, settings.minIou()),
                sentAt.size(),
                maxInAMinute(sentAt));
    }

    /** The most sends in any minute {@code (t - 60 s, t]} of event time; times ascending. */
    static int maxInAMinute(List<Long> sentAt) {
        List<Long> sorted = new ArrayList<>(sentAt);
        sorted.sort(Comparator.naturalOrder());
        int best = 0;
        int first = 0;
        for (int i = 0; i < sorted.size(); i++) {
            while (sorted.get(first) <= sorted.get(i) - 60_000_000L) {
                first++;
            }
            best = Math.max(best, i - first + 1);
        }
        return best;
    }
}
