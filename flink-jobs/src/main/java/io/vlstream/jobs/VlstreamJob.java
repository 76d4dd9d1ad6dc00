package io.vlstream.jobs;

import io.vlstream.analysis.AnalyzeFrames;
import io.vlstream.avro.AlignmentScore;
import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.FrameAnalysis;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.avro.internal.TextEnvelope;
import io.vlstream.caption.BuildCaptions;
import io.vlstream.caption.CaptionMoments;
import io.vlstream.caption.CaptionerSetup;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.decode.RejectFailedFrames;
import io.vlstream.grounding.AlignTimedTexts;
import io.vlstream.grounding.ValidateTexts;
import io.vlstream.instruction.CompileInstructions;
import io.vlstream.instruction.InstructionState;
import io.vlstream.internal.QuietTimer;
import io.vlstream.kafka.ControlStreamWatermarks;
import io.vlstream.kafka.FrameWatermarks;
import io.vlstream.metrics.CountDeadLetters;
import io.vlstream.model.ModelFactory;
import io.vlstream.model.ObjectDetector;
import io.vlstream.model.engines.Models;
import io.vlstream.model.remote.ChatEndpoint;
import io.vlstream.scoring.ScoreFrames;
import io.vlstream.selection.SelectMoments;
import io.vlstream.selection.SelectionKey;
import io.vlstream.selection.SelectionPolicy;
import io.vlstream.sizing.CaptionTrimming;
import io.vlstream.sizing.FitToSink;
import io.vlstream.sizing.ScoreTrimming;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The vlstream dataflow: frames, instructions and timed texts in; grounded captions, alignment
 * scores and dead letters out. It takes its sources and sinks from its builder: {@link
 * VlstreamJobMain} plugs in Kafka, tests plug in what they need.
 */
public final class VlstreamJob {

    private final JobSettings settings;

    /** The slot sharing group of the model operators when {@code vlstream.model.gpu} is on. */
    public static final String MODELS_SLOT_SHARING_GROUP = "models";

    /** The slot sharing group of every other operator: Flink's default one. */
    public static final String PIPELINE_SLOT_SHARING_GROUP = "default";

    private final ModelFactory<ObjectDetector> detectors;
    private final Source<FrameEnvelope, ?, ?> frames;
    private final Source<InstructionEnvelope, ?, ?> instructions;
    private final Source<TextEnvelope, ?, ?> texts;
    private final Sink<GroundedCaption> captions;
    private final Sink<AlignmentScore> scores;
    private final Sink<DeadLetter> deadLetters;
    private final MapFunction<GroundedCaption, GroundedCaption> beforeCaptionSink;

    private VlstreamJob(Builder b) {
        this.settings = b.settings;
        this.detectors = b.detectors;
        this.frames = b.frames;
        this.instructions = b.instructions;
        this.texts = b.texts;
        this.captions = b.captions;
        this.scores = b.scores;
        this.deadLetters = b.deadLetters;
        this.beforeCaptionSink = b.beforeCaptionSink;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checkpointing for the exactly-once sinks; call before {@link #addTo}. A checkpoint times out
     * at half the sinks' transaction timeout: a transaction the broker aborted for taking too long
     * would lose its records, so a checkpoint must fail (and the job retry) well before that.
     */
    public static void configure(StreamExecutionEnvironment env, JobSettings settings) {
        env.enableCheckpointing(
                settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.getCheckpointConfig().setCheckpointTimeout(checkpointTimeout(settings).toMillis());
    }

    /** Half the sinks' transaction timeout. */
    static Duration checkpointTimeout(JobSettings settings) {
        return settings.kafka().transactionTimeout().dividedBy(2);
    }

    /** Adds the dataflow to {@code env}. */
    public void addTo(StreamExecutionEnvironment env) {
        WatermarkStrategy<FrameEnvelope> frameTime =
                FrameWatermarks.strategy(
                        settings.frames().maxOutOfOrderness(), settings.frames().idleTimeout());

        SingleOutputStreamOperator<FrameEnvelope> decoded =
                env.fromSource(frames, frameTime, "frames")
                        .uid("frames-source")
                        .process(new RejectFailedFrames())
                        .name("dead-letter refused frames")
                        .uid("decode-frames");

        // Rebalanced: a few busy streams must still spread over every model instance; the change
        // gate compares each frame with the last one of its stream analyzed on the same instance.
        // A custom operator, not a ProcessFunction: it micro-batches frames and flushes before
        // watermarks and checkpoint barriers.
        SingleOutputStreamOperator<FrameAnalysis> analyses =
                decoded.rebalance()
                        .transform(
                                "analyze frames (detector)",
                                TypeInformation.of(FrameAnalysis.class),
                                new AnalyzeFrames(
                                        detectors,
                                        settings.models().dualEncoderFactory(),
                                        KafkaIo.limits(settings),
                                        settings.models().changeGate(),
                                        settings.models().changeGateMaxStreams(),
                                        settings.models().maxBatchSize(),
                                        settings.models().maxBatchWait()))
                        .uid("analyze-frames");
        inModelSlots(analyses);
        if (settings.models().gpu()) {
            // Every slot declares what it needs: left unknown, the other operators' slots would
            // take Flink's default slot profile, a share of each task manager's GPUs included.
            env.registerSlotSharingGroup(
                    settings.slots().pipeline().toSlotSharingGroup(PIPELINE_SLOT_SHARING_GROUP));
        }

        SingleOutputStreamOperator<CompiledInstruction> compiled =
                env.fromSource(
                                instructions,
                                ControlStreamWatermarks.<InstructionEnvelope>create(),
                                "instructions")
                        .setParallelism(1)
                        .uid("instructions-source")
                        .process(
                                new CompileInstructions(
                                        settings.selection().scoreThreshold(),
                                        settings.selection().maxFramesPerMinute(),
                                        settings.models().dualEncoderFactory(),
                                        settings.limits().inputs(),
                                        settings.models().detectorLabels()))
                        .setParallelism(1)
                        .name("compile instructions")
                        .uid("compile-instructions");
        BroadcastStream<CompiledInstruction> activeInstructions =
                compiled.broadcast(InstructionState.DESCRIPTOR);

        SingleOutputStreamOperator<ScoredFrame> scored =
                analyses.connect(activeInstructions)
                        .process(new ScoreFrames(settings.models().detectorMinScore()))
                        .name("score frames per instruction")
                        .uid("score-frames");

        SingleOutputStreamOperator<SelectedMoment> moments =
                scored.keyBy(new SelectionKey())
                        .connect(activeInstructions)
                        .process(
                                new SelectMoments(
                                        SelectionPolicy.defaults(),
                                        settings.selection().updateInterval(),
                                        quiet(env),
                                        settings.limits().maxEvidenceBytes()))
                        .name("select moments")
                        .uid("select-moments");

        SingleOutputStreamOperator<TimedText> validTexts =
                env.fromSource(texts, ControlStreamWatermarks.<TextEnvelope>create(), "texts")
                        .uid("texts-source")
                        .process(new ValidateTexts(settings.limits().inputs()))
                        .name("validate texts")
                        .uid("validate-texts");
        SingleOutputStreamOperator<AlignmentScore> textScores =
                analyses.keyBy(new AnalysisStream())
                        .connect(validTexts.keyBy(new TextStream()))
                        .process(
                                new AlignTimedTexts(
                                        settings.models().detectorMinScore(),
                                        settings.selection().scoreThreshold(),
                                        settings.selection().textRetention(),
                                        quiet(env),
                                        settings.models().detectorLabels()))
                        .name("align timed texts")
                        .uid("align-texts");

        SingleOutputStreamOperator<CaptionOutcome> captionOutcomes =
                CaptionMoments.caption(moments, captionerSetup());
        if (captionerSetup().usesModel()) {
            inModelSlots(captionOutcomes);
        }
        // Keyed again: the caption stage may run at the models' parallelism, and a rebalance
        // here would let a moment's OPEN, UPDATE and FINAL overtake each other.
        SingleOutputStreamOperator<GroundedCaption> captioned =
                captionOutcomes
                        .keyBy(BuildCaptions.MOMENT_KEY)
                        .process(new BuildCaptions())
                        .name("build captions")
                        .uid("build-captions")
                        .slotSharingGroup(PIPELINE_SLOT_SHARING_GROUP);
        DataStream<GroundedCaption> tapped =
                beforeCaptionSink == null
                        ? captioned
                        : captioned
                                .map(beforeCaptionSink)
                                .name("before caption sink")
                                .uid("tap")
                                .slotSharingGroup(PIPELINE_SLOT_SHARING_GROUP);
        // Every output is made to fit the sink's request size first: a sink never skips a record,
        // it fails the job.
        SingleOutputStreamOperator<GroundedCaption> captionsOut =
                tapped.process(
                                new FitToSink<>(
                                        GroundedCaption.class,
                                        new CaptionTrimming(),
                                        GroundedCaption::getStreamId,
                                        "captions",
                                        settings.limits().maxOutputRecordBytes()))
                        .name("fit captions to the sink")
                        .uid("fit-captions")
                        .slotSharingGroup(PIPELINE_SLOT_SHARING_GROUP);
        captionsOut
                .sinkTo(captions)
                .name("captions sink")
                .uid("captions-sink")
                .slotSharingGroup(PIPELINE_SLOT_SHARING_GROUP);
        SingleOutputStreamOperator<AlignmentScore> scoresOut =
                scored.getSideOutput(ScoreFrames.SCORES)
                        .union(textScores)
                        .process(
                                new FitToSink<>(
                                        AlignmentScore.class,
                                        new ScoreTrimming(),
                                        AlignmentScore::getStreamId,
                                        "scores",
                                        settings.limits().maxOutputRecordBytes()))
                        .name("fit scores to the sink")
                        .uid("fit-scores");
        scoresOut.sinkTo(scores).name("scores sink").uid("scores-sink");
        DataStream<DeadLetter> rejected = decoded.getSideOutput(DeadLetters.TAG);
        for (SingleOutputStreamOperator<?> stage :
                new LinkedHashSet<>(
                        List.of(
                                analyses,
                                compiled,
                                scored,
                                moments,
                                validTexts,
                                textScores,
                                captionOutcomes,
                                captioned,
                                captionsOut,
                                scoresOut))) {
            rejected = rejected.union(stage.getSideOutput(DeadLetters.TAG));
        }
        rejected.map(new CountDeadLetters())
                .name("count dead letters")
                .uid("count-dead-letters")
                .sinkTo(deadLetters)
                .name("dead-letter sink")
                .uid("dlq-sink");
    }

    /**
     * Quiet as the job's checkpoints confirm it, where it checkpoints: an outage (a broker restart,
     * a model warming up after a restore) then never closes a moment its frames were only delayed
     * by.
     */
    private QuietTimer quiet(StreamExecutionEnvironment env) {
        Duration timeout = settings.selection().quietTimeout();
        return env.getCheckpointConfig().isCheckpointingEnabled()
                ? QuietTimer.checkpointed(timeout)
                : QuietTimer.of(timeout);
    }

    /**
     * The captioner of the caption stage: the grounded template by default, or the configured model
     * (in-process, or a served VLM through async I/O).
     */
    private CaptionerSetup captionerSetup() {
        String spec = settings.models().captionerSpec();
        if (spec == null) {
            return CaptionerSetup.template(settings.models().detectorMinScore());
        }
        if (settings.models().servedCaptioner()) {
            return CaptionerSetup.served(
                    ChatEndpoint.parse(spec),
                    settings.models().detectorMinScore(),
                    settings.models().detectorLabels());
        }
        return CaptionerSetup.inProcess(
                Models.captionerFactory(spec),
                settings.models().detectorMinScore(),
                settings.models().detectorLabels());
    }

    /**
     * A model operator: {@code vlstream.model.parallelism} instances, and with {@code
     * vlstream.model.gpu} slots of its own that ask for {@code vlstream.model.slot.*}, a GPU
     * included. The operators it feeds fall back to the pipeline's group: they have other inputs,
     * or set it themselves.
     */
    private <T> SingleOutputStreamOperator<T> inModelSlots(SingleOutputStreamOperator<T> op) {
        if (settings.models().parallelism() > 0) {
            op.setParallelism(settings.models().parallelism());
        }
        if (settings.models().gpu()) {
            op.slotSharingGroup(
                    settings.slots().model().toSlotSharingGroup(MODELS_SLOT_SHARING_GROUP));
        }
        return op;
    }

    /** Key of frame analyses for text alignment: the stream. */
    private static final class AnalysisStream implements KeySelector<FrameAnalysis, String> {
        @Override
        public String getKey(FrameAnalysis analysis) {
            return analysis.getStreamId();
        }
    }

    /** Key of timed texts: the stream. */
    private static final class TextStream implements KeySelector<TimedText, String> {
        @Override
        public String getKey(TimedText text) {
            return text.getStreamId();
        }
    }

    /** Builder: every source, sink and the detector are required; the caption tap is optional. */
    public static final class Builder {
        private JobSettings settings;
        private ModelFactory<ObjectDetector> detectors;
        private Source<FrameEnvelope, ?, ?> frames;
        private Source<InstructionEnvelope, ?, ?> instructions;
        private Source<TextEnvelope, ?, ?> texts;
        private Sink<GroundedCaption> captions;
        private Sink<AlignmentScore> scores;
        private Sink<DeadLetter> deadLetters;
        private MapFunction<GroundedCaption, GroundedCaption> beforeCaptionSink;

        public Builder setSettings(JobSettings settings) {
            this.settings = settings;
            return this;
        }

        public Builder setDetectorFactory(ModelFactory<ObjectDetector> detectors) {
            this.detectors = detectors;
            return this;
        }

        public Builder setFrameSource(Source<FrameEnvelope, ?, ?> frames) {
            this.frames = frames;
            return this;
        }

        public Builder setInstructionSource(Source<InstructionEnvelope, ?, ?> instructions) {
            this.instructions = instructions;
            return this;
        }

        public Builder setTextSource(Source<TextEnvelope, ?, ?> texts) {
            this.texts = texts;
            return this;
        }

        public Builder setCaptionSink(Sink<GroundedCaption> captions) {
            this.captions = captions;
            return this;
        }

        public Builder setScoreSink(Sink<AlignmentScore> scores) {
            this.scores = scores;
            return this;
        }

        public Builder setDeadLetterSink(Sink<DeadLetter> deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** Optional: a function every caption passes through before its sink (auditing, tests). */
        public Builder withBeforeCaptionSink(MapFunction<GroundedCaption, GroundedCaption> fn) {
            this.beforeCaptionSink = fn;
            return this;
        }

        public VlstreamJob build() {
            require(settings, "settings", "setSettings(JobSettings.from(conf))");
            require(detectors, "detector factory", "setDetectorFactory(...)");
            require(frames, "frame source", "setFrameSource(KafkaIo.frames(settings))");
            require(
                    instructions,
                    "instruction source",
                    "setInstructionSource(KafkaIo.instructions(settings))");
            require(texts, "text source", "setTextSource(KafkaIo.texts(settings))");
            require(captions, "caption sink", "setCaptionSink(KafkaIo.captions(settings))");
            require(scores, "score sink", "setScoreSink(KafkaIo.scores(settings))");
            require(
                    deadLetters,
                    "dead-letter sink",
                    "setDeadLetterSink(KafkaIo.deadLetters(settings))");
            return new VlstreamJob(this);
        }

        private static void require(Object value, String what, String how) {
            Objects.requireNonNull(value, () -> "VlstreamJob needs a " + what + ": call " + how);
        }
    }
}
