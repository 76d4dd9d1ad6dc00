package io.vlstream.selection;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.MomentStatus;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.instruction.InstructionState;
import io.vlstream.internal.QuietTimer;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per stream and instruction (the key, see {@link SelectionKey}), in event time: orders scored
 * frames by the watermark and runs {@link MomentSelection} on them (threshold, moments, OPEN/UPDATE
 * captions of long moments, the captioner budget), and hands what it emits to the caption stage as
 * {@link SelectedMoment}s (see {@link SelectedMoments}), in order. A stream that goes quiet for the
 * quiet timeout while the pipeline runs ({@link QuietTimer}) has its open moment closed and all its
 * state cleared; a retired instruction has its open moments closed and their state cleared. Keyed
 * state holds at most the open moment (bounded by its evidence budget), the frames still waiting
 * for the watermark, the budget window (at most the budget's entries) and, in ADAPTIVE mode, an
 * 11-value quantile sketch; the images of the open moment and of the waiting frames are each
 * bounded by {@code maxEvidenceBytes}. A frame selection throws on becomes a dead letter, not a
 * restart.
 */
public class SelectMoments
        extends KeyedBroadcastProcessFunction<
                String, ScoredFrame, CompiledInstruction, SelectedMoment>
        implements CheckpointedFunction, CheckpointListener {

    /** Default bound of one key's evidence images, in bytes. */
    public static final long DEFAULT_MAX_EVIDENCE_BYTES = 4L << 20;

    static final String STAGE = "select-moments";

    static final MapStateDescriptor<Long, ScoredFrame> PENDING =
            new MapStateDescriptor<>(
                    "pending-frames",
                    BasicTypeInfo.LONG_TYPE_INFO,
                    TypeInformation.of(ScoredFrame.class));

    /** Bytes of the images held in {@link #PENDING}: bounded like the open moment's evidence. */
    static final ValueStateDescriptor<Long> PENDING_IMAGE_BYTES =
            new ValueStateDescriptor<>("pending-image-bytes", BasicTypeInfo.LONG_TYPE_INFO);

    static final ValueStateDescriptor<OpenMoment> MOMENT =
            new ValueStateDescriptor<>("open-moment", TypeInformation.of(OpenMoment.class));
    static final ValueStateDescriptor<long[]> BUDGET =
            new ValueStateDescriptor<>(
                    "captioner-budget", PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
    static final ValueStateDescriptor<double[]> SKETCH =
            new ValueStateDescriptor<>(
                    "score-sketch", PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final SelectionPolicy policy;
    private final Duration updateInterval;
    private final QuietTimer quietTimer;
    private final long maxEvidenceBytes;
    private transient MomentSelection selection;

    /** Where the callback running now sends dead letters (its context's side output). */
    private transient Consumer<DeadLetter> deadLetters;

    private transient MapState<Long, ScoredFrame> pending;
    private transient ValueState<Long> pendingImageBytes;
    private transient ValueState<OpenMoment> moment;
    private transient ValueState<long[]> budget;
    private transient ValueState<double[]> sketch;
    private transient Counter momentsOpened;
    private transient Counter momentsClosed;
    private transient Counter momentsOverBudget;
    private transient Counter lateFrames;
    private transient Counter captionerFrames;

    /** FINAL captions only (no OPEN/UPDATE), evidence images bounded by the default. */
    public SelectMoments(SelectionPolicy policy, Duration quietTimeout) {
        this(policy, Duration.ZERO, QuietTimer.of(quietTimeout), DEFAULT_MAX_EVIDENCE_BYTES);
    }

    /**
     * @param updateInterval OPEN/UPDATE caption interval of long moments; zero: FINAL only
     * @param quiet when a silent key's moment closes ({@link QuietTimer#checkpointed} in a
     *     checkpointed job)
     * @param maxEvidenceBytes most bytes of evidence images one key keeps ({@link EvidenceBytes})
     */
    public SelectMoments(
            SelectionPolicy policy,
            Duration updateInterval,
            QuietTimer quiet,
            long maxEvidenceBytes) {
        this.policy = policy;
        this.updateInterval = updateInterval;
        this.quietTimer = quiet;
        this.maxEvidenceBytes = maxEvidenceBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        selection = new MomentSelection(policy, updateInterval.toNanos() / 1_000);
        pending = getRuntimeContext().getMapState(PENDING);
        pendingImageBytes = getRuntimeContext().getState(PENDING_IMAGE_BYTES);
        moment = getRuntimeContext().getState(MOMENT);
        budget = getRuntimeContext().getState(BUDGET);
        sketch = getRuntimeContext().getState(SKETCH);
        quietTimer.open(getRuntimeContext());
        var metrics = getRuntimeContext().getMetricGroup();
        momentsOpened = VlstreamMetrics.counter(metrics, VlstreamMetric.MOMENTS_OPENED);
        momentsClosed = VlstreamMetrics.counter(metrics, VlstreamMetric.MOMENTS_CLOSED);
        momentsOverBudget = VlstreamMetrics.counter(metrics, VlstreamMetric.MOMENTS_OVER_BUDGET);
        lateFrames = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_LATE);
        captionerFrames = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONER_FRAMES);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        // Nothing of its own: keyed state is declared in open().
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        quietTimer.onBarrier(context.getCheckpointId());
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        quietTimer.onCheckpointComplete(checkpointId);
    }

    @Override
    public void processElement(
            ScoredFrame frame, ReadOnlyContext ctx, Collector<SelectedMoment> out)
            throws Exception {
        if (ctx.getBroadcastState(InstructionState.DESCRIPTOR).get(frame.getInstructionId())
                == null) {
            // Scored just before its instruction was retired: nothing left to select for.
            return;
        }
        long eventTime = frame.getPtsMicros() / 1_000;
        if (eventTime <= ctx.timerService().currentWatermark()) {
            // Behind the watermark: its score was emitted, but moments are built in order only.
            lateFrames.inc();
            return;
        }
        if (frame.getImage() != null) {
            // Frames waiting for the watermark (a camera ahead of the clock waits longest) hold at
            // most the evidence bound in images; past it they wait without theirs.
            Long held = pendingImageBytes.value();
            long bytes = (held == null ? 0 : held) + frame.getImage().remaining();
            if (bytes > maxEvidenceBytes) {
                frame.setImage(null);
            } else {
                pendingImageBytes.update(bytes);
            }
        }
        pending.put(frame.getPtsMicros(), frame);
        ctx.timerService().registerEventTimeTimer(eventTime);
        quietTimer.restart(ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<SelectedMoment> out)
            throws Exception {
        deadLetters = d -> ctx.output(DeadLetters.TAG, d);
        boolean quiet = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        if (quiet && !quietTimer.confirm(ctx.timerService())) {
            // Restored less than a quiet timeout ago: the stream's frames may only be delayed.
            return;
        }
        CompiledInstruction instruction =
                ctx.getBroadcastState(InstructionState.DESCRIPTOR)
                        .get(SelectionKey.instructionId(ctx.getCurrentKey()));
        long upToMicros = quiet ? Long.MAX_VALUE : (timestamp + 1) * 1_000 - 1;
        MomentSelection.KeyState state = load();
        long last = drain(upToMicros, state, instruction, out);
        if (quiet) {
            // The stream went quiet: close what is open and forget the key entirely.
            OpenMoment open = state.open;
            if (open != null) {
                emit(selection.close(state, Math.max(last, open.getEndMicros())), instruction, out);
            }
            clearAll();
            return;
        }
        store(state);
        if (state.isEmpty() && pending.isEmpty()) {
            quietTimer.cancel(ctx.timerService());
        }
    }

    private MomentSelection.KeyState load() throws Exception {
        MomentSelection.KeyState state = new MomentSelection.KeyState();
        state.open = moment.value();
        state.sentAtMicros = budget.value();
        state.sketch = sketch.value();
        return state;
    }

    private void store(MomentSelection.KeyState state) throws Exception {
        if (state.open == null) {
            moment.clear();
        } else {
            moment.update(state.open);
        }
        if (state.sentAtMicros == null || state.sentAtMicros.length == 0) {
            budget.clear();
        } else {
            budget.update(state.sentAtMicros);
        }
        if (state.sketch == null) {
            sketch.clear();
        } else {
            sketch.update(state.sketch);
        }
    }

    private void clearAll() {
        pending.clear();
        pendingImageBytes.clear();
        moment.clear();
        budget.clear();
        sketch.clear();
    }

    /**
     * Feeds pending frames up to {@code upToMicros} to the selection in pts order.
     *
     * @return pts of the last frame fed, or {@code Long.MIN_VALUE} if none
     */
    private long drain(
            long upToMicros,
            MomentSelection.KeyState state,
            CompiledInstruction instruction,
            Collector<SelectedMoment> out)
            throws Exception {
        TreeMap<Long, ScoredFrame> due = new TreeMap<>();
        long stillHeld = 0;
        for (Map.Entry<Long, ScoredFrame> entry : pending.entries()) {
            if (entry.getKey() <= upToMicros) {
                due.put(entry.getKey(), entry.getValue());
            } else if (entry.getValue().getImage() != null) {
                stillHeld += entry.getValue().getImage().remaining();
            }
        }
        if (stillHeld == 0) {
            pendingImageBytes.clear();
        } else {
            pendingImageBytes.update(stillHeld);
        }
        long last = Long.MIN_VALUE;
        for (Map.Entry<Long, ScoredFrame> entry : due.entrySet()) {
            pending.remove(entry.getKey());
            step(state, entry.getValue(), instruction, out);
            last = entry.getKey();
        }
        return last;
    }

    private void step(
            MomentSelection.KeyState state,
            ScoredFrame frame,
            CompiledInstruction instruction,
            Collector<SelectedMoment> out) {
        boolean wasOpen = state.open != null;
        List<MomentSelection.Emission> emissions;
        try {
            emissions = selection.onFrame(state, frame);
        } catch (RuntimeException | StackOverflowError e) {
            // This frame is lost to selection (its score was emitted); the key's moment goes on.
            deadLetters.accept(
                    DeadLetters.ofException(
                            new SourceRef("moment", -1, -1L),
                            STAGE,
                            frame.getStreamId(),
                            "frame "
                                    + frame.getSequence()
                                    + " for instruction '"
                                    + frame.getInstructionId()
                                    + "'",
                            e));
            return;
        }
        boolean closedOne = false;
        for (MomentSelection.Emission e : emissions) {
            closedOne |= e.status() == MomentStatus.FINAL;
            emit(e, instruction, out);
        }
        // After the captions went out: they share frames with the open moment.
        EvidenceBytes.bound(state.open, maxEvidenceBytes);
        if (state.open != null && (!wasOpen || closedOne)) {
            momentsOpened.inc();
        }
    }

    private void emit(
            MomentSelection.Emission e,
            CompiledInstruction instruction,
            Collector<SelectedMoment> out) {
        if (e == null) {
            return;
        }
        if (e.status() == MomentStatus.FINAL) {
            momentsClosed.inc();
        }
        if (e.withheld()) {
            momentsOverBudget.inc();
            return;
        }
        captionerFrames.inc(e.newlySent().size());
        if (instruction == null) {
            // Retired before the moment closed, and already captioned on retirement.
            return;
        }
        out.collect(SelectedMoments.of(e.status(), e.moment(), instruction));
    }

    @Override
    public void processBroadcastElement(
            CompiledInstruction instruction, Context ctx, Collector<SelectedMoment> out)
            throws Exception {
        deadLetters = d -> ctx.output(DeadLetters.TAG, d);
        var state = ctx.getBroadcastState(InstructionState.DESCRIPTOR);
        String id = instruction.getInstructionId();
        CompiledInstruction previous = state.get(id);
        if (instruction.getActive()) {
            state.put(id, instruction);
            return;
        }
        state.remove(id);
        if (previous == null) {
            return;
        }
        // Retired: caption what is open or waiting (nothing is lost), then clear every key's state.
        Map<String, MomentSelection.KeyState> keys = new HashMap<>();
        Map<String, List<ScoredFrame>> waiting = new HashMap<>();
        ctx.applyToKeyedState(
                PENDING,
                (key, frames) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        waiting.put(key, new ArrayList<>(new TreeMap<>(toMap(frames)).values()));
                        frames.clear();
                    }
                });
        ctx.applyToKeyedState(
                BUDGET,
                (key, value) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        keys.computeIfAbsent(key, k -> new MomentSelection.KeyState())
                                        .sentAtMicros =
                                value.value();
                        value.clear();
                    }
                });
        ctx.applyToKeyedState(
                SKETCH,
                (key, value) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        keys.computeIfAbsent(key, k -> new MomentSelection.KeyState()).sketch =
                                value.value();
                        value.clear();
                    }
                });
        ctx.applyToKeyedState(
                MOMENT,
                (key, value) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        keys.computeIfAbsent(key, k -> new MomentSelection.KeyState()).open =
                                value.value();
                        value.clear();
                    }
                });
        for (String key : waiting.keySet()) {
            keys.computeIfAbsent(key, k -> new MomentSelection.KeyState());
        }
        for (Map.Entry<String, MomentSelection.KeyState> entry : keys.entrySet()) {
            MomentSelection.KeyState keyState = entry.getValue();
            long last = Long.MIN_VALUE;
            for (ScoredFrame frame : waiting.getOrDefault(entry.getKey(), List.of())) {
                step(keyState, frame, previous, out);
                last = frame.getPtsMicros();
            }
            if (keyState.open != null) {
                emit(
                        selection.close(keyState, Math.max(last, keyState.open.getEndMicros())),
                        previous,
                        out);
            }
        }
        for (ValueStateDescriptor<Long> quiet :
                List.of(QuietTimer.DESCRIPTOR, QuietTimer.QUIET_AT_DESCRIPTOR)) {
            ctx.applyToKeyedState(
                    quiet,
                    (key, timer) -> {
                        if (id.equals(SelectionKey.instructionId(key))) {
                            timer.clear();
                        }
                    });
        }
        ctx.applyToKeyedState(
                PENDING_IMAGE_BYTES,
                (key, bytes) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        bytes.clear();
                    }
                });
    }

    private static Map<Long, ScoredFrame> toMap(MapState<Long, ScoredFrame> state)
            throws Exception {
        Map<Long, ScoredFrame> map = new HashMap<>();
        for (Map.Entry<Long, ScoredFrame> entry : state.entries()) {
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }
}
