package io.vlstream.caption;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.GroundedCaption;
import io.vlstream.avro.ReasonCode;
import io.vlstream.avro.SourceRef;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.internal.WallClock;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.selection.SelectionKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The end of the caption stage: each outcome becomes its output record ({@link GroundedCaptions}),
 * or a dead letter ({@code CAPTION_FAILURE}) that says why the moment got no caption.
 */
public class BuildCaptions extends ProcessFunction<CaptionOutcome, GroundedCaption> {

    static final String STAGE = "caption";

    /**
     * The key to read outcomes by: stream and instruction, as selection keys them, so a moment's
     * captions stay in order whatever the caption stage's parallelism.
     */
    public static final KeySelector<CaptionOutcome, String> MOMENT_KEY = new OutcomeKey();

    private static final class OutcomeKey implements KeySelector<CaptionOutcome, String> {
        @Override
        public String getKey(CaptionOutcome outcome) {
            return SelectionKey.of(outcome.getStreamId(), outcome.getInstructionId());
        }
    }

    private transient Counter captionsOut;
    private transient Histogram endToEndLatencyMs;

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        captionsOut = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONS_EMITTED);
        endToEndLatencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.END_TO_END_LATENCY);
    }

    @Override
    public void processElement(
            CaptionOutcome outcome, Context ctx, Collector<GroundedCaption> out) {
        SelectedMoment moment = outcome.getMoment();
        if (outcome.getFailure() != null || outcome.getCaption() == null) {
            String why =
                    outcome.getFailure() == null
                            ? "no caption in the answer"
                            : outcome.getFailure().getReason()
                                    + " after "
                                    + outcome.getFailure().getAttempts()
                                    + " attempt(s): "
                                    + outcome.getFailure().getMessage();
            ctx.output(DeadLetters.TAG, failed(moment, outcome.getModel().getId() + ": " + why));
            return;
        }
        long nowMicros = WallClock.nowMicros();
        GroundedCaption caption;
        try {
            caption =
                    GroundedCaptions.of(
                            moment,
                            new CaptionText(
                                    outcome.getCaption(), outcome.getPhrases(), outcome.getModel()),
                            nowMicros);
        } catch (RuntimeException | StackOverflowError e) {
            ctx.output(DeadLetters.TAG, failed(moment, "building the caption record failed: " + e));
            return;
        }
        // Outside the guard: a failing sink must fail the job, not lose the caption.
        out.collect(caption);
        captionsOut.inc();
        // Frame clock ahead of this one (a skewed camera): no latency to report, not a negative.
        endToEndLatencyMs.update(Math.max(0, nowMicros - moment.getEndMicros()) / 1_000);
    }

    /**
     * A dead letter for a moment that got no caption. A moment has no Kafka position of its own:
     * the source fields say "moment" and the message names it; the payload is the moment id.
     */
    static DeadLetter failed(SelectedMoment moment, String why) {
        return DeadLetters.of(
                new SourceRef("moment", -1, -1L),
                ReasonCode.CAPTION_FAILURE,
                "Moment " + moment.getMomentId() + " got no caption: " + why,
                STAGE,
                moment.getStreamId(),
                ByteBuffer.wrap(moment.getMomentId().getBytes(StandardCharsets.UTF_8)));
    }
}
