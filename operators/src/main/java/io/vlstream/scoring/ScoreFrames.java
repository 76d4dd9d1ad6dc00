package io.vlstream.scoring;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.instruction.InstructionState;
import io.vlstream.instruction.StreamSelector;
import io.vlstream.internal.WallClock;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every analyzed frame against each active instruction that selects its stream. Frames go on
 * to moment selection; each frame-level {@link AlignmentScore} goes to {@link #SCORES}.
 * Instructions arrive on the broadcast side and are added, replaced or retired at run time. A frame
 * that one instruction's scoring throws on becomes a dead letter for that instruction; the others
 * still score it.
 */
public class ScoreFrames
        extends BroadcastProcessFunction<FrameAnalysis, CompiledInstruction, ScoredFrame> {

    /** Frame-level alignment scores. */
    public static final OutputTag<AlignmentScore> SCORES =
            new OutputTag<>("frame-scores", TypeInformation.of(AlignmentScore.class));

    /** Frames scoring below this fraction of the threshold are sent on without their image. */
    static final float IMAGE_KEEP_RATIO = 0.5f;

    static final String STAGE = "score-frames";

    private static final Logger LOG = LoggerFactory.getLogger(ScoreFrames.class);

    private final float minDetectionScore;
    private transient FrameScorer scorer;

    /** Each active instruction's stream selector, built once; rebuilt after a restore. */
    private transient Map<String, StreamSelector> selectors;

    private transient Counter framesScored;
    private transient volatile int activeInstructions;

    public ScoreFrames(float minDetectionScore) {
        this.minDetectionScore = minDetectionScore;
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new FrameScorer(minDetectionScore);
        selectors = new HashMap<>();
        var metrics = getRuntimeContext().getMetricGroup();
        framesScored = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_SCORED);
        VlstreamMetrics.gauge(
                metrics, VlstreamMetric.ACTIVE_INSTRUCTIONS, () -> activeInstructions);
    }

    @Override
    public void processElement(FrameAnalysis frame, ReadOnlyContext ctx, Collector<ScoredFrame> out)
            throws Exception {
        for (Map.Entry<String, CompiledInstruction> entry :
                ctx.getBroadcastState(InstructionState.DESCRIPTOR).immutableEntries()) {
            CompiledInstruction instruction = entry.getValue();
            if (!selector(instruction).selects(frame.getStreamId())) {
                continue;
            }
            Scored scored;
            try {
                scored = score(frame, instruction);
            } catch (RuntimeException | StackOverflowError e) {
                ctx.output(
                        DeadLetters.TAG,
                        DeadLetters.ofException(
                                frame.getSource(),
                                STAGE,
                                frame.getStreamId(),
                                "frame "
                                        + frame.getSequence()
                                        + " for instruction '"
                                        + instruction.getInstructionId()
                                        + "'",
                                e));
                continue;
            }
            // Emitted outside the guard: a failure downstream is not this frame's fault.
            framesScored.inc();
            out.collect(scored.frame());
            ctx.output(SCORES, scored.score());
        }
    }

    /** A frame scored against one instruction: on to selection, and the score to emit. */
    private record Scored(ScoredFrame frame, AlignmentScore score) {}

    /**
     * The instruction's stream selector, built once; one whose glob no longer compiles (restored
     * from an older version) selects nothing, and says so once in the log.
     */
    private StreamSelector selector(CompiledInstruction instruction) {
        return selectors.computeIfAbsent(
                instruction.getInstructionId(),
                id -> {
                    try {
                        return StreamSelector.of(
                                instruction.getStreamIds(), instruction.getStreamGlob());
                    } catch (IllegalArgumentException e) {
                        LOG.warn(
                                "Instruction '{}' selects no stream: its glob does not compile"
                                        + " ({})",
                                id,
                                e.getMessage());
                        return StreamSelector.none();
                    }
                });
    }

    private Scored score(FrameAnalysis frame, CompiledInstruction instruction) {
        FrameScore lexical =
                scorer.score(
                        instruction.getQuery(),
                        frame.getDetections(),
                        frame.getSequence(),
                        frame.getPtsMicros(),
                        frame.getWidth(),
                        frame.getHeight());
        FrameScore score = SimilarityScore.of(instruction, frame, lexical);
        List<ModelRef> models = new ArrayList<>(frame.getModels());
        models.addAll(instruction.getQuery().getModels());
        boolean keepImage = score.score() >= instruction.getScoreThreshold() * IMAGE_KEEP_RATIO;
        ScoredFrame scored =
                ScoredFrame.newBuilder()
                        .setStreamId(frame.getStreamId())
                        .setInstructionId(instruction.getInstructionId())
                        .setInstructionText(instruction.getText())
                        .setSequence(frame.getSequence())
                        .setPtsMicros(frame.getPtsMicros())
                        .setWidth(frame.getWidth())
                        .setHeight(frame.getHeight())
                        .setMediaType(frame.getMediaType())
                        .setImage(keepImage ? frame.getImage() : null)
                        .setScore(score.score())
                        .setThreshold(instruction.getScoreThreshold())
                        .setMaxEvidenceFrames(instruction.getMaxEvidenceFrames())
                        .setContributions(score.contributions())
                        .setDetections(frame.getDetections())
                        .setUngroundedTerms(instruction.getQuery().getUngroundedWords())
                        .setModels(models)
                        .setReceivedAtMicros(frame.getReceivedAtMicros())
                        .setMaxFramesPerMinute(instruction.getMaxFramesPerMinute())
                        .setThresholdMode(instruction.getThresholdMode())
                        .setAdaptiveQuantile(instruction.getAdaptiveQuantile())
                        .build();
        AlignmentScore alignment =
                AlignmentScore.newBuilder()
                        .setStreamId(frame.getStreamId())
                        .setSubjectKind(SubjectKind.INSTRUCTION)
                        .setSubjectId(instruction.getInstructionId())
                        .setSubjectText(instruction.getText())
                        .setStartMicros(frame.getPtsMicros())
                        .setEndMicros(frame.getPtsMicros())
                        .setFrameSequence(frame.getSequence())
                        .setScore(score.score())
                        .setContributions(score.contributions())
                        .setEvidence(List.of())
                        .setUngroundedTerms(instruction.getQuery().getUngroundedWords())
                        .setModels(models)
                        .setEmittedAtMicros(WallClock.nowMicros())
                        .build();
        return new Scored(scored, alignment);
    }

    @Override
    public void processBroadcastElement(
            CompiledInstruction instruction, Context ctx, Collector<ScoredFrame> out)
            throws Exception {
        BroadcastState<String, CompiledInstruction> state =
                ctx.getBroadcastState(InstructionState.DESCRIPTOR);
        // Built again on the next frame: the streams may have changed.
        selectors.remove(instruction.getInstructionId());
        if (instruction.getActive()) {
            state.put(instruction.getInstructionId(), instruction);
        } else {
            state.remove(instruction.getInstructionId());
        }
        int count = 0;
        for (var ignored : state.immutableEntries()) {
            count++;
        }
        activeInstructions = count;
    }
}
