package io.vlstream.decode;

import io.vlstream.avro.VideoFrame;
import io.vlstream.avro.internal.Failure;
import io.vlstream.avro.internal.FrameEnvelope;
import io.vlstream.deadletter.DeadLetters;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes on frames that were decoded and validated where they were read (limits and image header,
 * before any pixel decoding, so only good frames move the watermark); sends the others to {@link
 * DeadLetters#TAG} with their reason.
 */
public class RejectFailedFrames extends ProcessFunction<FrameEnvelope, FrameEnvelope> {

    static final String STAGE = "decode-frames";

    private transient Counter framesIn;
    private transient Counter framesDecoded;
    private transient RejectionCounters rejected;

    @Override
    public void open(OpenContext openContext) {
        var metrics = getRuntimeContext().getMetricGroup();
        framesIn = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_IN);
        framesDecoded = VlstreamMetrics.counter(metrics, VlstreamMetric.FRAMES_DECODED);
        rejected = new RejectionCounters(metrics);
    }

    @Override
    public void processElement(FrameEnvelope envelope, Context ctx, Collector<FrameEnvelope> out) {
        framesIn.inc();
        Failure failure = envelope.getFailure();
        if (failure == null) {
            framesDecoded.inc();
            out.collect(envelope);
            return;
        }
        rejected.inc(failure.getReason());
        VideoFrame frame = envelope.getFrame();
        ctx.output(
                DeadLetters.TAG,
                DeadLetters.of(
                        envelope.getSource(),
                        failure,
                        STAGE,
                        frame == null ? null : frame.getStreamId()));
    }
}
