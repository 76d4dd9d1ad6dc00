package io.vlstream.instruction;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.avro.internal.SimilarityModel;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.deadletter.Failures;
import io.vlstream.decode.FieldChecks;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import io.vlstream.internal.WallClock;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.CocoLabels;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.ModelFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Compiles each instruction once, when it arrives, into a query over the detector's labels. A
 * tombstone or {@code active=false} becomes a retirement; a bad record goes to the DLQ: fields past
 * the {@link InputLimits}, too many terms, a new instruction while {@code maxActiveInstructions}
 * are active, or one whose compilation or text encoding throws. Runs at parallelism 1 and keeps the
 * ids of the active instructions in operator state, so the limit holds across restarts.
 */
public class CompileInstructions extends ProcessFunction<InstructionEnvelope, CompiledInstruction>
        implements CheckpointedFunction {

    static final String STAGE = "compile-instructions";

    static final ListStateDescriptor<String> ACTIVE_IDS =
            new ListStateDescriptor<>("active-instruction-ids", BasicTypeInfo.STRING_TYPE_INFO);

    private final float defaultThreshold;
    private final int defaultMaxFramesPerMinute;
    private final ModelFactory<DualEncoder> encoderFactory;
    private final InputLimits limits;
    private final List<String> detectorLabels;
    private transient ActiveInstructions active;
    private transient ListState<String> activeIdsState;
    private transient InstructionCompiler compiler;
    private transient DualEncoder encoder;
    private transient Counter compiled;
    private transient Counter retired;
    private transient Counter rejected;

    /** Instructions without a captioner budget of their own get no limit. */
    public CompileInstructions(float defaultThreshold) {
        this(defaultThreshold, 0);
    }

    /**
     * @param defaultMaxFramesPerMinute captioner budget of instructions that set none; 0: no limit
     */
    public CompileInstructions(float defaultThreshold, int defaultMaxFramesPerMinute) {
        this(defaultThreshold, defaultMaxFramesPerMinute, null);
    }

    /**
     * @param encoderFactory a dual encoder whose text embedding of each instruction is computed
     *     here, once, or null for lexical scoring only
     */
    public CompileInstructions(
            float defaultThreshold,
            int defaultMaxFramesPerMinute,
            ModelFactory<DualEncoder> encoderFactory) {
        this(defaultThreshold, defaultMaxFramesPerMinute, encoderFactory, InputLimits.defaults());
    }

    /**
     * Compiled against the built-in detector's labels.
     *
     * @param limits the limits every instruction is checked against before it is compiled
     */
    public CompileInstructions(
            float defaultThreshold,
            int defaultMaxFramesPerMinute,
            ModelFactory<DualEncoder> encoderFactory,
            InputLimits limits) {
        this(
                defaultThreshold,
                defaultMaxFramesPerMinute,
                encoderFactory,
                limits,
                CocoLabels.LABELS);
    }

    /**
     * @param detectorLabels the labels of the job's detector, which instructions are compiled
     *     against
     */
    public CompileInstructions(
            float defaultThreshold,
            int defaultMaxFramesPerMinute,
            ModelFactory<DualEncoder> encoderFactory,
            InputLimits limits,
            List<String> detectorLabels) {
        this.defaultThreshold = defaultThreshold;
        this.defaultMaxFramesPerMinute = defaultMaxFramesPerMinute;
        this.encoderFactory = encoderFactory;
        this.limits = limits;
        this.detectorLabels = List.copyOf(detectorLabels);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        activeIdsState = context.getOperatorStateStore().getListState(ACTIVE_IDS);
        active = new ActiveInstructions(limits.maxActiveInstructions(), activeIdsState.get());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        activeIdsState.update(active.ids());
    }

    @Override
    public void open(OpenContext openContext) throws IOException {
        compiler = new InstructionCompiler(LabelLexicon.of(detectorLabels));
        encoder = encoderFactory == null ? null : encoderFactory.create();
        var metrics = getRuntimeContext().getMetricGroup();
        compiled = VlstreamMetrics.counter(metrics, VlstreamMetric.INSTRUCTIONS_COMPILED);
        retired = VlstreamMetrics.counter(metrics, VlstreamMetric.INSTRUCTIONS_RETIRED);
        rejected = VlstreamMetrics.counter(metrics, VlstreamMetric.INSTRUCTIONS_REJECTED);
    }

    @Override
    public void processElement(
            InstructionEnvelope envelope, Context ctx, Collector<CompiledInstruction> out) {
        if (envelope.getFailure() != null) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(envelope.getSource(), envelope.getFailure(), STAGE, null));
            return;
        }
        Instruction instruction = envelope.getInstruction();
        if (instruction == null) {
            retired.inc();
            active.retire(envelope.getKey());
            out.collect(retirement(envelope.getKey()));
            return;
        }
        Violation problem = InstructionValidation.check(instruction, envelope.getKey(), limits);
        if (problem != null) {
            reject(envelope, problem, ctx);
            return;
        }
        String id = instruction.getInstructionId();
        if (!instruction.getActive()) {
            retired.inc();
            active.retire(id);
            out.collect(retirement(id));
            return;
        }
        Violation full = active.admit(id);
        if (full != null) {
            reject(envelope, full, ctx);
            return;
        }
        CompiledInstruction result;
        try {
            result = compile(instruction);
        } catch (RuntimeException | StackOverflowError e) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.ofException(
                            envelope.getSource(),
                            STAGE,
                            null,
                            "instruction '" + FieldChecks.preview(id) + "'",
                            e));
            return;
        }
        Violation tooMany = InstructionValidation.checkCompiled(result.getQuery(), limits);
        if (tooMany != null) {
            reject(envelope, tooMany, ctx);
            return;
        }
        compiled.inc();
        active.activate(id);
        out.collect(result);
    }

    private void reject(InstructionEnvelope envelope, Violation problem, Context ctx) {
        rejected.inc();
        ctx.output(DeadLetters.TAG, invalid(envelope, problem));
    }

    private CompiledInstruction compile(Instruction instruction) {
        Float threshold = instruction.getScoreThreshold();
        Integer perMinute = instruction.getMaxFramesPerMinute();
        return CompiledInstruction.newBuilder()
                .setInstructionId(instruction.getInstructionId())
                .setText(instruction.getText())
                .setActive(true)
                .setStreamIds(instruction.getStreamIds())
                .setStreamGlob(instruction.getStreamGlob())
                .setMaxEvidenceFrames(instruction.getMaxEvidenceFrames())
                .setScoreThreshold(threshold == null ? defaultThreshold : threshold)
                .setCaptionPrompt(instruction.getCaptionPrompt())
                .setUpdatedAtMicros(instruction.getUpdatedAtMicros())
                .setMaxFramesPerMinute(
                        perMinute == null ? defaultMaxFramesPerMinute : Math.max(0, perMinute))
                .setThresholdMode(instruction.getThresholdMode())
                .setAdaptiveQuantile(instruction.getAdaptiveQuantile())
                .setQuery(compiler.compile(instruction.getText()))
                .setTextEmbedding(textEmbedding(instruction.getText()))
                .setSimilarity(
                        encoder == null
                                ? null
                                : new SimilarityModel(
                                        encoder.calibration().scale(),
                                        encoder.calibration().bias(),
                                        encoder.model()))
                .build();
    }

    private List<Float> textEmbedding(String text) {
        if (encoder == null) {
            return List.of();
        }
        float[] embedding = encoder.encodeText(text);
        List<Float> list = new java.util.ArrayList<>(embedding.length);
        for (float v : embedding) {
            list.add(v);
        }
        return list;
    }

    @Override
    public void close() {
        if (encoder != null) {
            encoder.close();
        }
    }

    private static CompiledInstruction retirement(String instructionId) {
        return CompiledInstruction.newBuilder()
                .setInstructionId(instructionId)
                .setText("")
                .setActive(false)
                .setStreamIds(List.of())
                .setMaxEvidenceFrames(1)
                .setScoreThreshold(1f)
                .setUpdatedAtMicros(WallClock.nowMicros())
                .build();
    }

    private static io.vlstream.avro.DeadLetter invalid(
            InstructionEnvelope envelope, Violation problem) {
        Instruction instruction = envelope.getInstruction();
        String head = instruction.toString();
        byte[] text =
                head.substring(0, Math.min(head.length(), Failures.PAYLOAD_HEAD_BYTES))
                        .getBytes(StandardCharsets.UTF_8);
        Failure failure =
                Failures.of(
                        problem.reason(),
                        "Instruction rejected: " + problem.message(),
                        text,
                        envelope.getKey() == null
                                ? null
                                : envelope.getKey().getBytes(StandardCharsets.UTF_8));
        return DeadLetters.of(envelope.getSource(), failure, STAGE, null);
    }
}
