package io.vlstream.selection;

import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.OpenMoment;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.caption.CaptionComposer;
import io.vlstream.caption.ComposedCaption;
import io.vlstream.caption.GroundedCaptions;
import io.vlstream.decode.DeadLetters;
import io.vlstream.instruction.InstructionState;
import io.vlstream.internal.QuietTimer;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.scoring.FrameScorer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per stream and instruction (the key, see {@link SelectionKey}), in event time: orders scored
 * frames by the watermark, feeds them to {@link MomentTracker}, and captions each moment that
 * closes. A stream that goes quiet for the quiet timeout (processing time) has its open moment
 * closed; a retired instruction has its open moments closed and their state cleared. Keyed state
 * holds at most the open moment (bounded by its evidence budget) and the frames still waiting for
 * the watermark.
 */
public class SelectMoments
        extends KeyedBroadcastProcessFunction<
                String, ScoredFrame, CompiledInstruction, GroundedCaption> {

    static final MapStateDescriptor<Long, ScoredFrame> PENDING =
            new MapStateDescriptor<>(
                    "pending-frames",
                    BasicTypeInfo.LONG_TYPE_INFO,
                    TypeInformation.of(ScoredFrame.class));
    static final ValueStateDescriptor<OpenMoment> MOMENT =
            new ValueStateDescriptor<>("open-moment", TypeInformation.of(OpenMoment.class));

    private final SelectionPolicy policy;
    private final QuietTimer quietTimer;
    private final float minDetectionScore;
    private transient MomentTracker tracker;
    private transient CaptionComposer composer;
    private transient MapState<Long, ScoredFrame> pending;
    private transient ValueState<OpenMoment> moment;
    private transient Counter momentsOpened;
    private transient Counter momentsClosed;
    private transient Counter lateFrames;
    private transient Counter captionsOut;
    private transient Counter captionerFrames;
    private transient Histogram endToEndLatencyMs;

    public SelectMoments(SelectionPolicy policy, long quietTimeoutMillis, float minDetectionScore) {
        this.policy = policy;
        this.quietTimer = new QuietTimer(quietTimeoutMillis);
        this.minDetectionScore = minDetectionScore;
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new MomentTracker(policy);
        composer = new CaptionComposer(new FrameScorer(minDetectionScore));
        pending = getRuntimeContext().getMapState(PENDING);
        moment = getRuntimeContext().getState(MOMENT);
        quietTimer.open(getRuntimeContext());
        var metrics = getRuntimeContext().getMetricGroup();
        momentsOpened = VlstreamMetrics.counter(metrics, VlstreamMetric.MOMENTS_OPENED);
        momentsClosed = VlstreamMetrics.counter(metrics, VlstreamMetric.MOMENTS_CLOSED);
        lateFrames = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_LATE);
        captionsOut = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONS_EMITTED);
        captionerFrames = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONER_FRAMES);
        endToEndLatencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.END_TO_END_LATENCY);
    }

    @Override
    public void processElement(
            ScoredFrame frame, ReadOnlyContext ctx, Collector<GroundedCaption> out)
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
        pending.put(frame.getPtsMicros(), frame);
        ctx.timerService().registerEventTimeTimer(eventTime);
        quietTimer.restart(ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<GroundedCaption> out)
            throws Exception {
        CompiledInstruction instruction =
                ctx.getBroadcastState(InstructionState.DESCRIPTOR)
                        .get(SelectionKey.instructionId(ctx.getCurrentKey()));
        boolean quiet = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        long upToMicros = quiet ? Long.MAX_VALUE : (timestamp + 1) * 1_000 - 1;
        OpenMoment open = drain(upToMicros, moment.value(), instruction, out);
        if (quiet) {
            quietTimer.fired();
            close(open, instruction, out);
            moment.clear();
            return;
        }
        if (open == null) {
            moment.clear();
        } else {
            moment.update(open);
        }
        if (open == null && pending.isEmpty()) {
            quietTimer.cancel(ctx.timerService());
        }
    }

    /** Feeds pending frames up to {@code upToMicros} to the tracker in pts order. */
    private OpenMoment drain(
            long upToMicros,
            OpenMoment open,
            CompiledInstruction instruction,
            Collector<GroundedCaption> out)
            throws Exception {
        TreeMap<Long, ScoredFrame> due = new TreeMap<>();
        for (Map.Entry<Long, ScoredFrame> entry : pending.entries()) {
            if (entry.getKey() <= upToMicros) {
                due.put(entry.getKey(), entry.getValue());
            }
        }
        for (Map.Entry<Long, ScoredFrame> entry : due.entrySet()) {
            pending.remove(entry.getKey());
            open = step(open, entry.getValue(), instruction, out);
        }
        return open;
    }

    private OpenMoment step(
            OpenMoment open,
            ScoredFrame frame,
            CompiledInstruction instruction,
            Collector<GroundedCaption> out) {
        MomentTracker.Step step = tracker.onFrame(open, frame);
        if (open == null && step.next() != null) {
            momentsOpened.inc();
        }
        if (step.closed() != null) {
            emit(step.closed(), instruction, out);
        }
        return step.next();
    }

    private void close(
            OpenMoment open, CompiledInstruction instruction, Collector<GroundedCaption> out) {
        if (open != null) {
            Moment closed = tracker.close(open);
            if (closed != null) {
                emit(closed, instruction, out);
            }
        }
    }

    private void emit(
            Moment closed, CompiledInstruction instruction, Collector<GroundedCaption> out) {
        momentsClosed.inc();
        if (instruction == null || closed.evidence().isEmpty()) {
            // Retired before the moment closed, and already captioned on retirement.
            return;
        }
        ComposedCaption caption = composer.compose(instruction.getQuery(), closed.evidence());
        captionerFrames.inc(closed.evidence().size());
        long nowMicros = DeadLetters.nowMicros();
        out.collect(GroundedCaptions.of(closed, instruction, caption, composer.model(), nowMicros));
        captionsOut.inc();
        // Frame clock ahead of this one (a skewed camera): no latency to report, not a negative.
        endToEndLatencyMs.update(Math.max(0, nowMicros - closed.endMicros()) / 1_000);
    }

    @Override
    public void processBroadcastElement(
            CompiledInstruction instruction, Context ctx, Collector<GroundedCaption> out)
            throws Exception {
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
        // Retired: caption what is open (nothing is lost) and clear the keys' state.
        Map<String, List<ScoredFrame>> waiting = new HashMap<>();
        ctx.applyToKeyedState(
                PENDING,
                (key, frames) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        List<ScoredFrame> list = new ArrayList<>();
                        new TreeMap<>(toMap(frames)).values().forEach(list::add);
                        waiting.put(key, list);
                        frames.clear();
                    }
                });
        ctx.applyToKeyedState(
                MOMENT,
                (key, state1) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        OpenMoment open = state1.value();
                        for (ScoredFrame frame : waiting.getOrDefault(key, List.of())) {
                            open = step(open, frame, previous, out);
                        }
                        waiting.remove(key);
                        close(open, previous, out);
                        state1.clear();
                    }
                });
        for (List<ScoredFrame> frames : waiting.values()) {
            OpenMoment open = null;
            for (ScoredFrame frame : frames) {
                open = step(open, frame, previous, out);
            }
            close(open, previous, out);
        }
        ctx.applyToKeyedState(
                QuietTimer.DESCRIPTOR,
                (key, timer) -> {
                    if (id.equals(SelectionKey.instructionId(key))) {
                        timer.clear();
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
