package io.vlstream.selection;

import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.ThresholdMode;
import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything selection decides for one stream and instruction, frame by frame in event time, with
 * no Flink types: the job's {@link SelectMoments} and {@code vlstream eval} run this same class.
 *
 * <ul>
 *   <li>the threshold: the instruction's fixed one, or in {@code ADAPTIVE} mode a running quantile
 *       of the stream's scores ({@link AdaptiveThreshold});
 *   <li>moments: {@link MomentTracker} (hysteresis, gap merging, blips);
 *   <li>captions: a moment open for {@code updateIntervalMicros} gets an {@code OPEN} caption, then
 *       an {@code UPDATE} every {@code updateIntervalMicros} while it stays open, and a {@code
 *       FINAL} one when it closes; short moments only get {@code FINAL};
 *   <li>the captioner budget: each caption sends the moment's evidence frames not sent before, best
 *       first, only as many as {@link FrameBudget} allows (at most {@code maxFramesPerMinute} in
 *       any minute of event time). A caption with no frame sent at all is withheld.
 * </ul>
 *
 * <p>The caller keeps a {@link KeyState} per key and passes it in; this class changes it.
 */
public final class MomentSelection implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Default interval of OPEN/UPDATE captions of a long moment. */
    public static final long DEFAULT_UPDATE_INTERVAL_MICROS = 10_000_000L;

    private static final Comparator<ScoredFrame> BEST_FIRST =
            Comparator.comparingDouble((ScoredFrame f) -> f.getScore())
                    .reversed()
                    .thenComparingLong(ScoredFrame::getPtsMicros);

    private final MomentTracker tracker;
    private final long updateIntervalMicros;

    /**
     * @param updateIntervalMicros OPEN/UPDATE interval of long moments; 0 or less: FINAL only
     */
    public MomentSelection(SelectionPolicy policy, long updateIntervalMicros) {
        this.tracker = new MomentTracker(policy);
        this.updateIntervalMicros = updateIntervalMicros;
    }

    public MomentTracker tracker() {
        return tracker;
    }

    /** The state of one key: all of it bounded (evidence budget, budget window, sketch). */
    public static final class KeyState {
        /** The open moment, or null. */
        public OpenMoment open;

        /** Event times of frames sent in the last minute ({@link FrameBudget}), or null. */
        public long[] sentAtMicros;

        /** The stream's score sketch ({@link QuantileSketch}), ADAPTIVE mode only, or null. */
        public double[] sketch;

        /** True when nothing is left to keep for the key. */
        public boolean isEmpty() {
            return open == null
                    && (sentAtMicros == null || sentAtMicros.length == 0)
                    && sketch == null;
        }
    }

    /**
     * A caption to make.
     *
     * @param status OPEN, UPDATE or FINAL
     * @param moment the moment, its evidence limited to frames sent to the captioner (in pts order)
     * @param newlySent the frames this caption sends for the first time (charged to the budget)
     * @param withheld true when the budget let no frame through: nothing may be captioned
     */
    public record Emission(
            MomentStatus status, Moment moment, List<ScoredFrame> newlySent, boolean withheld) {}

    /**
     * One frame, in pts order. In ADAPTIVE mode the frame's threshold is replaced by the adaptive
     * one (the frame is changed).
     */
    public List<Emission> onFrame(KeyState state, ScoredFrame frame) {
        Objects.requireNonNull(frame, "frame");
        if (frame.getThresholdMode() == ThresholdMode.ADAPTIVE) {
            QuantileSketch sketch = new QuantileSketch(frame.getAdaptiveQuantile());
            state.sketch = sketch.add(state.sketch, frame.getScore());
            frame.setThreshold(
                    AdaptiveThreshold.threshold(sketch, state.sketch, frame.getThreshold()));
        } else {
            state.sketch = null;
        }
        long now = frame.getPtsMicros();
        state.sentAtMicros = FrameBudget.prune(state.sentAtMicros, now);
        List<Emission> out = new ArrayList<>(2);
        List<Long> sentBefore = state.open == null ? List.of() : state.open.getSentSequences();
        MomentTracker.Step step = tracker.onFrame(state.open, frame);
        if (step.closed() != null) {
            out.add(emit(state, MomentStatus.FINAL, step.closed(), null, sentBefore, now));
        }
        OpenMoment next = step.next();
        if (next != null && frame.getScore() >= frame.getThreshold()) {
            ScoredFrame recent = next.getRecentBest();
            if (recent == null || BEST_FIRST.compare(frame, recent) < 0) {
                next.setRecentBest(frame);
            }
        }
        state.open = next;
        // Only a frame that extends the moment updates it: none is sent from a trailing dip.
        if (next != null && updateIntervalMicros > 0 && next.getEndMicros() == now) {
            Long last = next.getLastEmittedMicros();
            long since = last == null ? next.getStartMicros() : last;
            if (now - since >= updateIntervalMicros) {
                MomentStatus status = last == null ? MomentStatus.OPEN : MomentStatus.UPDATE;
                Emission e =
                        emit(
                                state,
                                status,
                                tracker.snapshot(next),
                                next.getRecentBest(),
                                next.getSentSequences(),
                                now);
                if (!e.withheld()) {
                    state.open = withEmission(next, now, e.moment().evidence());
                    out.add(e);
                }
            }
        }
        return out;
    }

    /**
     * Closes the open moment (watermark past its gap, quiet stream, retired instruction).
     *
     * @param nowMicros event time charged to the budget
     * @return the FINAL caption, or null when nothing was open or it was a blip
     */
    public Emission close(KeyState state, long nowMicros) {
        OpenMoment open = state.open;
        state.open = null;
        if (open == null) {
            return null;
        }
        Moment closed = tracker.close(open);
        if (closed == null) {
            return null;
        }
        long now = Math.max(nowMicros, open.getEndMicros());
        state.sentAtMicros = FrameBudget.prune(state.sentAtMicros, now);
        return emit(state, MomentStatus.FINAL, closed, null, open.getSentSequences(), now);
    }

    /**
     * Sends what the caption needs and the budget allows: the moment's evidence frames not sent
     * before and, for OPEN/UPDATE, the best frame since the last caption (so an update shows the
     * moment as it is now, even when the best frames overall are old), best first.
     */
    private Emission emit(
            KeyState state,
            MomentStatus status,
            Moment moment,
            ScoredFrame recent,
            List<Long> alreadySent,
            long now) {
        Set<Long> sent = new HashSet<>(alreadySent == null ? List.of() : alreadySent);
        List<ScoredFrame> previously = new ArrayList<>();
        List<ScoredFrame> candidates = new ArrayList<>();
        for (ScoredFrame f : moment.evidence()) {
            (sent.contains(f.getSequence()) ? previously : candidates).add(f);
        }
        if (recent != null
                && !sent.contains(recent.getSequence())
                && candidates.stream().noneMatch(f -> f.getSequence() == recent.getSequence())) {
            candidates.add(recent);
        }
        int perMinute = moment.evidence().get(0).getMaxFramesPerMinute();
        int room = FrameBudget.available(state.sentAtMicros, now, perMinute);
        candidates.sort(BEST_FIRST);
        List<ScoredFrame> newlySent =
                new ArrayList<>(candidates.subList(0, Math.min(room, candidates.size())));
        state.sentAtMicros =
                FrameBudget.charge(state.sentAtMicros, now, newlySent.size(), perMinute);
        List<ScoredFrame> evidence = new ArrayList<>(previously);
        evidence.addAll(newlySent);
        evidence.sort(
                Comparator.comparingLong(ScoredFrame::getPtsMicros)
                        .thenComparingLong(ScoredFrame::getSequence));
        return new Emission(
                status, moment.withEvidence(evidence), List.copyOf(newlySent), evidence.isEmpty());
    }

    private static OpenMoment withEmission(
            OpenMoment open, long now, List<ScoredFrame> sentEvidence) {
        List<Long> sent = new ArrayList<>();
        for (ScoredFrame f : sentEvidence) {
            sent.add(f.getSequence());
        }
        // Field by field, not newBuilder(open): that would deep-copy the evidence images.
        return new OpenMoment(
                open.getStartMicros(),
                open.getLastAboveMicros(),
                open.getEndMicros(),
                open.getFrameCount(),
                open.getAboveCount(),
                open.getScoreSum(),
                open.getPeakScore(),
                open.getLastReceivedAtMicros(),
                open.getEvidence(),
                now,
                null,
                sent);
    }
}
