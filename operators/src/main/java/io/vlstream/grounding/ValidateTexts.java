package io.vlstream.grounding;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.internal.TextEnvelope;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.decode.FieldChecks;
import io.vlstream.decode.InputLimits;
import io.vlstream.decode.Violation;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes on timed texts that decoded, fit the {@link InputLimits} (ids, text, a span of at most
 * {@code maxTextSpan} after 1970, starting at most {@code maxPtsAhead} after now) and make sense;
 * the rest go to the DLQ.
 */
public class ValidateTexts extends ProcessFunction<TextEnvelope, TimedText> {

    static final String STAGE = "validate-texts";

    private final InputLimits limits;

    /** With the default limits. */
    public ValidateTexts() {
        this(InputLimits.defaults());
    }

    public ValidateTexts(InputLimits limits) {
        this.limits = limits;
    }

    private transient Counter rejected;

    @Override
    public void open(OpenContext openContext) {
        rejected =
                VlstreamMetrics.counter(
                        getRuntimeContext().getMetricGroup(), VlstreamMetric.TEXTS_REJECTED);
    }

    @Override
    public void processElement(TextEnvelope envelope, Context ctx, Collector<TimedText> out) {
        if (envelope.getFailure() != null) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(envelope.getSource(), envelope.getFailure(), STAGE, null));
            return;
        }
        TimedText text = envelope.getText();
        Violation problem = problem(text, limits, envelope.getReceivedAtMicros());
        if (problem != null) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            envelope.getSource(),
                            problem.reason(),
                            "Timed text rejected: " + problem.message(),
                            STAGE,
                            text.getStreamId(),
                            ByteBuffer.wrap(
                                    FieldChecks.preview(text.getText())
                                            .getBytes(StandardCharsets.UTF_8))));
            return;
        }
        out.collect(text);
    }

    /**
     * What is wrong with a timed text by the job's rules (tools check texts with it before
     * sending), or null.
     *
     * @param nowMicros when the text was read: a text may start at most {@code maxPtsAhead} later,
     *     like a frame, so none waits in state for a span that is far away
     */
    public static Violation problem(TimedText text, InputLimits limits, long nowMicros) {
        Violation id = FieldChecks.id("streamId", text.getStreamId(), limits.maxIdChars());
        if (id == null) {
            id = FieldChecks.id("textId", text.getTextId(), limits.maxIdChars());
        }
        if (id != null) {
            return id;
        }
        Violation length = FieldChecks.length("text", text.getText(), limits.maxTextChars());
        if (length == null) {
            length = FieldChecks.length("kind", text.getKind(), limits.maxIdChars());
        }
        if (length != null) {
            return length;
        }
        // No limit behind: a label may come long after its span.
        Violation start =
                FieldChecks.timestamp(
                        "startMicros",
                        text.getStartMicros(),
                        nowMicros,
                        limits.maxPtsAhead(),
                        Duration.ZERO);
        if (start != null) {
            return start;
        }
        if (text.getEndMicros() < text.getStartMicros()) {
            return new Violation(
                    ReasonCode.INVALID_TEXT,
                    "endMicros "
                            + text.getEndMicros()
                            + " is before startMicros "
                            + text.getStartMicros());
        }
        long spanMicros = text.getEndMicros() - text.getStartMicros();
        if (spanMicros > limits.maxTextSpan().toNanos() / 1_000) {
            return new Violation(
                    ReasonCode.TIMESTAMP_OUT_OF_RANGE,
                    "the span is "
                            + spanMicros / 1_000_000
                            + " s long; the limit is "
                            + limits.maxTextSpan().toSeconds()
                            + " s (vlstream.limits.max-text-span)");
        }
        if (text.getText().isBlank()) {
            return new Violation(ReasonCode.INVALID_TEXT, "text is blank");
        }
        return null;
    }
}
