package io.vlstream.grounding;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.instruction.InstructionCompiler;
import io.vlstream.instruction.LabelLexicon;
import io.vlstream.internal.QuietTimer;
import io.vlstream.internal.WallClock;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.CocoLabels;
import io.vlstream.scoring.FrameScorer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Per stream: keeps the last {@code retention} of frame analyses (without their images) and, when
 * the watermark passes a timed text's end, scores the text against the frames of its span. When the
 * stream goes quiet (no frame for the quiet timeout, processing time), texts whose span has begun
 * are scored with the frames there are, since the watermark will not move on.
 */
public class AlignTimedTexts
        extends KeyedCoProcessFunction<String, FrameAnalysis, TimedText, AlignmentScore>
        implements CheckpointedFunction, CheckpointListener {

    static final String STAGE = "align-texts";

    static final MapStateDescriptor<Long, FrameAnalysis> FRAMES =
            new MapStateDescriptor<>(
                    "recent-frames",
                    BasicTypeInfo.LONG_TYPE_INFO,
                    TypeInformation.of(FrameAnalysis.class));
    static final MapStateDescriptor<String, TimedText> TEXTS =
            new MapStateDescriptor<>(
                    "pending-texts",
                    BasicTypeInfo.STRING_TYPE_INFO,
                    TypeInformation.of(TimedText.class));

    static final ValueStateDescriptor<Long> LAST_FRAME_PTS =
            new ValueStateDescriptor<>("last-frame-pts", BasicTypeInfo.LONG_TYPE_INFO);

    /** Cleanup timers are rounded to this, so there is at most one per second per stream. */
    private static final long CLEANUP_BUCKET_MILLIS = 1_000;

    private final float minDetectionScore;
    private final float scoreThreshold;
    private final long retentionMillis;
    private final QuietTimer quietTimer;
    private final List<String> detectorLabels;
    private transient InstructionCompiler compiler;
    private transient SpanAlignment alignment;
    private transient MapState<Long, FrameAnalysis> frames;
    private transient MapState<String, TimedText> texts;
    private transient ValueState<Long> lastFramePts;
    private transient Counter textsAligned;

    /** Verdicts at {@link SpanAlignment#DEFAULT_THRESHOLD}, over the built-in detector's labels. */
    public AlignTimedTexts(float minDetectionScore, Duration retention, Duration quietTimeout) {
        this(
                minDetectionScore,
                SpanAlignment.DEFAULT_THRESHOLD,
                retention,
                QuietTimer.of(quietTimeout),
                CocoLabels.LABELS);
    }

    /**
     * @param scoreThreshold a frame scoring at least this supports a text (see {@link
     *     SpanAlignment})
     * @param retention how long frame analyses wait for the texts of their span (processing time)
     * @param quiet when a silent stream's state is cleared ({@link QuietTimer#checkpointed} in a
     *     checkpointed job)
     * @param detectorLabels the labels of the job's detector, which texts are compiled against
     */
    public AlignTimedTexts(
            float minDetectionScore,
            float scoreThreshold,
            Duration retention,
            QuietTimer quiet,
            List<String> detectorLabels) {
        this.scoreThreshold = scoreThreshold;
        this.minDetectionScore = minDetectionScore;
        this.retentionMillis = retention.toMillis();
        this.quietTimer = quiet;
        this.detectorLabels = List.copyOf(detectorLabels);
    }

    @Override
    public void open(OpenContext openContext) {
        compiler = new InstructionCompiler(LabelLexicon.of(detectorLabels));
        alignment = new SpanAlignment(new FrameScorer(minDetectionScore), scoreThreshold);
        frames = getRuntimeContext().getMapState(FRAMES);
        texts = getRuntimeContext().getMapState(TEXTS);
        lastFramePts = getRuntimeContext().getState(LAST_FRAME_PTS);
        quietTimer.open(getRuntimeContext());
        textsAligned =
                VlstreamMetrics.counter(
                        getRuntimeContext().getMetricGroup(), VlstreamMetric.TEXTS_ALIGNED);
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
    public void processElement1(FrameAnalysis frame, Context ctx, Collector<AlignmentScore> out)
            throws Exception {
        FrameAnalysis withoutImage =
                FrameAnalysis.newBuilder(frame).setImage(ByteBuffer.allocate(0)).build();
        frames.put(frame.getPtsMicros(), withoutImage);
        long expiry = frame.getPtsMicros() / 1_000 + retentionMillis;
        ctx.timerService()
                .registerEventTimeTimer(
                        (expiry / CLEANUP_BUCKET_MILLIS + 1) * CLEANUP_BUCKET_MILLIS);
        Long last = lastFramePts.value();
        if (last == null || frame.getPtsMicros() > last) {
            lastFramePts.update(frame.getPtsMicros());
        }
        quietTimer.restart(ctx.timerService());
    }

    @Override
    public void processElement2(TimedText text, Context ctx, Collector<AlignmentScore> out)
            throws Exception {
        texts.put(text.getTextId(), text);
        ctx.timerService().registerEventTimeTimer(text.getEndMicros() / 1_000);
        // The stream may already be quiet: look again after the quiet timeout.
        quietTimer.startIfStopped(ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlignmentScore> out)
            throws Exception {
        boolean quiet = ctx.timeDomain() == TimeDomain.PROCESSING_TIME;
        if (quiet && !quietTimer.confirm(ctx.timerService())) {
            // Restored less than a quiet timeout ago: the stream's frames may only be delayed.
            return;
        }
        Long last = lastFramePts.value();
        List<TimedText> due = new ArrayList<>();
        for (Map.Entry<String, TimedText> entry : texts.entries()) {
            TimedText text = entry.getValue();
            boolean passed = !quiet && text.getEndMicros() / 1_000 <= timestamp;
            boolean begunBeforeQuiet = quiet && last != null && text.getStartMicros() <= last;
            if (passed || begunBeforeQuiet) {
                due.add(text);
            }
        }
        if (!due.isEmpty()) {
            List<FrameAnalysis> recent = new ArrayList<>();
            frames.values().forEach(recent::add);
            for (TimedText text : due) {
                texts.remove(text.getTextId());
                try {
                    out.collect(
                            alignment.align(
                                    text,
                                    compiler.compile(text.getText()),
                                    recent,
                                    WallClock.nowMicros()));
                    textsAligned.inc();
                } catch (RuntimeException | StackOverflowError e) {
                    // A timed text has no Kafka position here: the message names it.
                    ctx.output(
                            DeadLetters.TAG,
                            DeadLetters.ofException(
                                    new SourceRef("texts", -1, -1L),
                                    STAGE,
                                    text.getStreamId(),
                                    "timed text '" + text.getTextId() + "'",
                                    e));
                }
            }
        }
        if (quiet) {
            return;
        }
        long oldestKeptMicros = (timestamp - retentionMillis) * 1_000;
        Iterator<Long> keys = frames.keys().iterator();
        while (keys.hasNext()) {
            if (keys.next() < oldestKeptMicros) {
                keys.remove();
            }
        }
        if (frames.isEmpty() && texts.isEmpty()) {
            lastFramePts.clear();
        }
    }
}
