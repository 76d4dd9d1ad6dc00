package io.vlstream.scoring;

import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.ModelRef;
import io.vlstream.avro.SubjectKind;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.decode.DeadLetters;
import io.vlstream.instruction.InstructionState;
import io.vlstream.instruction.StreamSelector;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores every analyzed frame against each active instruction that selects its stream. Frames go on
 * to moment selection; each frame-level {@link AlignmentScore} goes to {@link #SCORES}.
 * Instructions arrive on the broadcast side and are added, replaced or retired at run time.
 */
public class ScoreFrames
        extends BroadcastProcessFunction<FrameAnalysis, CompiledInstruction, ScoredFrame> {

    /** Frame-level alignment scores. */
    public static final OutputTag<AlignmentScore> SCORES =
            new OutputTag<>("frame-scores", TypeInformation.of(AlignmentScore.class));

    /** Frames scoring below this fraction of the threshold are sent on without their image. */
    static final float IMAGE_KEEP_RATIO = 0.5f;

    private final float minDetectionScore;
    private transient FrameScorer scorer;
    private transient Counter framesScored;
    private transient volatile int activeInstructions;

    public ScoreFrames(float minDetectionScore) {
        this.minDetectionScore = minDetectionScore;
    }

    @Override
    public void open(OpenContext openContext) {
        scorer = new FrameScorer(minDetectionScore);
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
            if (!StreamSelector.selects(
                    instruction.getStreamIds(), instruction.getStreamGlob(), frame.getStreamId())) {
                continue;
            }
            FrameScore lexical =
                    scorer.score(
                            instruction.getQuery(),
                            frame.getDetections(),
                            frame.getSequence(),
                            frame.getPtsMicros(),
                            frame.getWidth(),
                            frame.getHeight());
            FrameScore score = SimilarityScore.of(instruction, frame, lexical);
            framesScored.inc();
            List<ModelRef> models = new ArrayList<>(frame.getModels());
            models.addAll(instruction.getQuery().getModels());
            boolean keepImage = score.score() >= instruction.getScoreThreshold() * IMAGE_KEEP_RATIO;
            out.collect(
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
                            .build());
            ctx.output(
                    SCORES,
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
                            .setEmittedAtMicros(DeadLetters.nowMicros())
                            .build());
        }
    }

    @Override
    public void processBroadcastElement(
            CompiledInstruction instruction, Context ctx, Collector<ScoredFrame> out)
            throws Exception {
        BroadcastState<String, CompiledInstruction> state =
                ctx.getBroadcastState(InstructionState.DESCRIPTOR);
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
