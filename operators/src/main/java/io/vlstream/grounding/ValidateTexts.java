package io.vlstream.grounding;

import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.TimedText;
import io.vlstream.avro.internal.TextEnvelope;
import io.vlstream.decode.DeadLetters;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Passes on timed texts that decoded and make sense; the rest go to the DLQ. */
public class ValidateTexts extends ProcessFunction<TextEnvelope, TimedText> {

    static final String STAGE = "validate-texts";

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
        String problem = problem(text);
        if (problem != null) {
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    DeadLetters.of(
                            envelope.getSource(),
                            ReasonCode.INVALID_TEXT,
                            "Timed text rejected: " + problem,
                            STAGE,
                            text.getStreamId(),
                            ByteBuffer.wrap(text.getText().getBytes(StandardCharsets.UTF_8))));
            return;
        }
        out.collect(text);
    }

    static String problem(TimedText text) {
        if (text.getStreamId().isBlank()) {
            return "streamId is blank";
        }
        if (text.getTextId().isBlank()) {
            return "textId is blank";
        }
        if (text.getEndMicros() < text.getStartMicros()) {
            return "endMicros "
                    + text.getEndMicros()
                    + " is before startMicros "
                    + text.getStartMicros();
        }
        if (text.getText().isBlank()) {
            return "text is blank";
        }
        return null;
    }
}
