package io.vlstream.caption;

import io.vlstream.avro.internal.CaptionFailure;
import io.vlstream.avro.internal.CaptionFailureReason;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.model.GpuDevices;
import io.vlstream.model.remote.CaptionException;
import io.vlstream.model.remote.CaptionException.Kind;
import io.vlstream.selection.SelectionKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;

/**
 * The caption stage: runs the job's {@link MomentCaptioner} on each selected moment through Flink
 * async I/O. Never fails the job: a failing, slow or unreachable captioner turns into {@link
 * CaptionOutcome}s with a {@link CaptionFailure} (for the DLQ, reason CAPTION_FAILURE), never into
 * an exception. {@link BuildCaptions} turns the outcomes into the output records.
 *
 * <p>Use {@link #caption}: it keys the moments by stream and instruction and waits in order, so a
 * moment's OPEN, UPDATE and FINAL captions leave in the order selection made them (a slow caption
 * holds back the ones after it on the same subtask, at most for the stage's timeout).
 */
public class CaptionMoments extends RichAsyncFunction<SelectedMoment, CaptionOutcome> {

    private static final long serialVersionUID = 1L;

    /** Name and uid of the operator {@link #caption} adds. */
    public static final String OPERATOR = "caption-moments";

    private final CaptionerSetup setup;
    private transient MomentCaptioner captioner;

    public CaptionMoments(CaptionerSetup setup) {
        this.setup = setup;
    }

    /**
     * The caption stage over {@code moments}: keyed by stream and instruction, ordered, capacity
     * and timeout from {@code setup}, Avro-typed output.
     */
    public static SingleOutputStreamOperator<CaptionOutcome> caption(
            DataStream<SelectedMoment> moments, CaptionerSetup setup) {
        return AsyncDataStream.orderedWait(
                        moments.keyBy(new MomentKey()),
                        new CaptionMoments(setup),
                        setup.timeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        setup.capacity())
                .returns(new AvroTypeInfo<>(CaptionOutcome.class))
                .name("caption moments (" + setup.name() + ")")
                .uid(OPERATOR);
    }

    /** All captions of one moment go to one subtask: keyed by stream and instruction. */
    static final class MomentKey implements KeySelector<SelectedMoment, String> {
        @Override
        public String getKey(SelectedMoment moment) {
            return SelectionKey.of(moment.getStreamId(), moment.getInstructionId());
        }
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        captioner =
                setup.usesModel()
                        ? GpuDevices.open(
                                setup.factory(),
                                getRuntimeContext().getExternalResourceInfos(GpuDevices.RESOURCE),
                                "the captioner")
                        : setup.factory().create();
        captioner.registerMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void asyncInvoke(SelectedMoment moment, ResultFuture<CaptionOutcome> resultFuture) {
        long startNanos = System.nanoTime();
        CompletableFuture<CaptionText> call;
        try {
            call = captioner.caption(moment);
            if (call == null) {
                throw new IllegalStateException(setup.name() + " returned no future");
            }
        } catch (RuntimeException e) {
            call =
                    CompletableFuture.failedFuture(
                            new CaptionException(
                                    Kind.PERMANENT, "the captioner failed: " + e, 0, e));
        }
        call.whenComplete(
                (caption, error) -> {
                    long latencyMicros = (System.nanoTime() - startNanos) / 1_000;
                    CaptionOutcome outcome;
                    try {
                        outcome = outcome(moment, caption, error, latencyMicros);
                        captioner.record(outcome);
                    } catch (RuntimeException e) {
                        // Completing is a must: an ordered stage would wait on this moment.
                        outcome =
                                failure(
                                        moment,
                                        CaptionFailureReason.PERMANENT,
                                        "the caption's outcome could not be built: " + e,
                                        0,
                                        latencyMicros);
                    }
                    resultFuture.complete(List.of(outcome));
                });
    }

    private CaptionOutcome outcome(
            SelectedMoment moment, CaptionText caption, Throwable error, long latencyMicros) {
        if (error == null && caption != null) {
            return success(moment, caption, latencyMicros);
        }
        CaptionException failure =
                CaptionException.of(
                        error != null ? error : new IllegalStateException("no caption"));
        return failure(
                moment,
                reason(failure.kind()),
                failure.getMessage(),
                failure.attempts(),
                latencyMicros);
    }

    /** Flink's own timeout, a backstop: a served VLM's client gives up 5 s earlier. */
    @Override
    public void timeout(SelectedMoment moment, ResultFuture<CaptionOutcome> resultFuture) {
        CaptionOutcome outcome =
                failure(
                        moment,
                        CaptionFailureReason.TIMEOUT,
                        setup.name()
                                + ": no caption within the caption stage's timeout of "
                                + setup.timeout().toMillis()
                                + " ms",
                        0,
                        setup.timeout().toNanos() / 1_000);
        captioner.record(outcome);
        resultFuture.complete(List.of(outcome));
    }

    @Override
    public void close() throws Exception {
        if (captioner != null) {
            captioner.close();
        }
    }

    private static CaptionOutcome success(
            SelectedMoment moment, CaptionText caption, long latencyMicros) {
        return CaptionOutcome.newBuilder()
                .setMomentId(moment.getMomentId())
                .setStreamId(moment.getStreamId())
                .setInstructionId(moment.getInstructionId())
                .setCaption(caption.text())
                .setPhrases(caption.phrases())
                .setModel(caption.model())
                .setFailure(null)
                .setLatencyMicros(latencyMicros)
                .setMoment(moment)
                .build();
    }

    private CaptionOutcome failure(
            SelectedMoment moment,
            CaptionFailureReason reason,
            String message,
            int attempts,
            long latencyMicros) {
        return CaptionOutcome.newBuilder()
                .setMomentId(moment.getMomentId())
                .setStreamId(moment.getStreamId())
                .setInstructionId(moment.getInstructionId())
                .setCaption(null)
                .setPhrases(List.of())
                .setModel(captioner.model())
                .setFailure(
                        CaptionFailure.newBuilder()
                                .setReason(reason)
                                .setMessage(message)
                                .setAttempts(attempts)
                                .build())
                .setLatencyMicros(latencyMicros)
                .setMoment(moment)
                .build();
    }

    static CaptionFailureReason reason(Kind kind) {
        return switch (kind) {
            case BUSY -> CaptionFailureReason.BUSY;
            case CIRCUIT_OPEN -> CaptionFailureReason.CIRCUIT_OPEN;
            case TIMEOUT -> CaptionFailureReason.TIMEOUT;
            case TRANSIENT_EXHAUSTED -> CaptionFailureReason.TRANSIENT_EXHAUSTED;
            case PERMANENT -> CaptionFailureReason.PERMANENT;
        };
    }
}
