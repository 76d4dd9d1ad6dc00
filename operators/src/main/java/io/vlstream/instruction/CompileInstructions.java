package io.vlstream.instruction;

import io.vlstream.avro.Instruction;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.internal.CompiledInstruction;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.InstructionEnvelope;
import io.vlstream.avro.internal.SimilarityModel;
import io.vlstream.decode.DeadLetters;
import io.vlstream.decode.Failures;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.DualEncoder;
import io.vlstream.model.DualEncoderFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Compiles each instruction once, when it arrives, into a query over the detector's labels. A
 * tombstone or {@code active=false} becomes a retirement; a bad record goes to the DLQ.
 */
public class CompileInstructions extends ProcessFunction<InstructionEnvelope, CompiledInstruction> {

    static final String STAGE = "compile-instructions";

    private final float defaultThreshold;
    private final int defaultMaxFramesPerMinute;
    private final DualEncoderFactory encoderFactory;
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
            DualEncoderFactory encoderFactory) {
        this.defaultThreshold = defaultThreshold;
        this.defaultMaxFramesPerMinute = defaultMaxFramesPerMinute;
        this.encoderFactory = encoderFactory;
    }

    @Override
    public void open(OpenContext openContext) throws IOException {
        compiler = new InstructionCompiler();
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
            out.collect(retirement(envelope.getKey()));
            return;
        }
        String problem = InstructionValidation.problem(instruction, envelope.getKey());
        if (problem != null) {
            rejected.inc();
            ctx.output(DeadLetters.TAG, invalid(envelope, problem));
            return;
        }
        if (!instruction.getActive()) {
            retired.inc();
            out.collect(retirement(instruction.getInstructionId()));
            return;
        }
        compiled.inc();
        out.collect(compile(instruction));
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
                .setUpdatedAtMicros(DeadLetters.nowMicros())
                .build();
    }

    private static io.vlstream.avro.DeadLetter invalid(
            InstructionEnvelope envelope, String problem) {
        Instruction instruction = envelope.getInstruction();
        byte[] text = instruction.toString().getBytes(StandardCharsets.UTF_8);
        Failure failure =
                Failures.of(
                        ReasonCode.INVALID_INSTRUCTION,
                        "Instruction rejected: " + problem,
                        text,
                        envelope.getKey() == null
                                ? null
                                : envelope.getKey().getBytes(StandardCharsets.UTF_8));
        return DeadLetters.of(envelope.getSource(), failure, STAGE, null);
    }
}
