package io.vlstream.caption;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.CaptionFailure;
import io.vlstream.avro.internal.CaptionFailureReason;
import io.vlstream.avro.internal.CaptionImage;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.CaptionRequest;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.remote.CaptionException;
import io.vlstream.model.remote.CaptionException.Kind;
import io.vlstream.model.remote.CaptionPrompt;
import io.vlstream.model.remote.CaptionResult;
import io.vlstream.model.remote.ChatEndpoint;
import io.vlstream.model.remote.CircuitBreaker;
import io.vlstream.model.remote.OpenAiChatCaptioner;
import io.vlstream.model.remote.ServedModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.async.ResultFuture;
import org.apache.flink.streaming.api.functions.async.RichAsyncFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captions moments with a served VLM through Flink async I/O. Never fails the job: a slow, failing
 * or unreachable endpoint turns into {@link CaptionOutcome}s with a {@link CaptionFailure} (for the
 * DLQ, reason CAPTION_FAILURE), never into an exception.
 *
 * <p>Use {@link #caption(DataStream, ChatEndpoint)}: it sets the operator's capacity to {@code
 * max-in-flight} (so the client never refuses a call as BUSY; the operator's full queue
 * backpressures instead) and its timeout just above {@code total-timeout} (so the client's own
 * timeout, with its better message, fires first).
 */
public class CaptionMomentsAsync extends RichAsyncFunction<CaptionRequest, CaptionOutcome> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(CaptionMomentsAsync.class);

    /** Name and uid of the operator {@link #caption} adds. */
    public static final String OPERATOR = "caption-served-vlm";

    /** Longest wait in open() for the server's model list (lineage only; it never blocks start). */
    private static final long RESOLVE_MODEL_WAIT_MS = 10_000;

    private final ChatEndpoint endpoint;
    private transient OpenAiChatCaptioner captioner;
    private transient Counter captioned;
    private transient Map<CaptionFailureReason, Counter> failed;
    private transient Histogram latencyMs;

    public CaptionMomentsAsync(ChatEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * The async operator over {@code requests}: unordered (outcomes leave as they complete),
     * capacity {@code max-in-flight}, timeout {@code total-timeout} + 5s, Avro-typed output.
     */
    public static SingleOutputStreamOperator<CaptionOutcome> caption(
            DataStream<CaptionRequest> requests, ChatEndpoint endpoint) {
        return AsyncDataStream.unorderedWait(
                        requests,
                        new CaptionMomentsAsync(endpoint),
                        endpoint.asyncTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        endpoint.maxInFlight())
                .returns(new AvroTypeInfo<>(CaptionOutcome.class))
                .name(OPERATOR)
                .uid(OPERATOR);
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        captioner = OpenAiChatCaptioner.open(endpoint);
        try {
            ServedModel model =
                    captioner.resolveModel().get(RESOLVE_MODEL_WAIT_MS, TimeUnit.MILLISECONDS);
            LOG.info("Captioning with {} ({})", model, endpoint);
        } catch (TimeoutException e) {
            LOG.warn(
                    "GET {} gave no answer in {} ms; captions name model {} version '{}' until it"
                            + " does",
                    endpoint.modelsUri(),
                    RESOLVE_MODEL_WAIT_MS,
                    endpoint.model(),
                    captioner.model().version());
        }
        MetricGroup metrics = getRuntimeContext().getMetricGroup();
        captioned = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONS_SERVED);
        failed = new EnumMap<>(CaptionFailureReason.class);
        for (CaptionFailureReason reason : CaptionFailureReason.values()) {
            failed.put(
                    reason,
                    VlstreamMetrics.counter(
                            metrics, VlstreamMetric.CAPTION_FAILURES, reason.name()));
        }
        latencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.CAPTION_LATENCY);
        VlstreamMetrics.gauge(metrics, VlstreamMetric.CAPTION_IN_FLIGHT, captioner::inFlight);
        VlstreamMetrics.gauge(
                metrics,
                VlstreamMetric.CAPTION_CIRCUIT_OPEN,
                () -> captioner.circuitState() == CircuitBreaker.State.CLOSED ? 0 : 1);
    }

    @Override
    public void asyncInvoke(CaptionRequest request, ResultFuture<CaptionOutcome> resultFuture) {
        long startNanos = System.nanoTime();
        CompletableFuture<CaptionResult> call;
        try {
            call = captioner.caption(prompt(request));
        } catch (RuntimeException e) {
            // A request the client cannot even build (no images, say) is the request's fault.
            call =
                    CompletableFuture.failedFuture(
                            new CaptionException(
                                    Kind.PERMANENT,
                                    "bad caption request: " + e.getMessage(),
                                    0,
                                    e));
        }
        call.whenComplete(
                (result, error) -> {
                    CaptionOutcome outcome;
                    long latencyMicros = (System.nanoTime() - startNanos) / 1_000;
                    if (error == null) {
                        outcome = success(request, result, latencyMicros);
                    } else {
                        CaptionException failure = CaptionException.of(error);
                        outcome =
                                failure(
                                        request,
                                        reason(failure.kind()),
                                        failure.getMessage(),
                                        failure.attempts(),
                                        latencyMicros);
                    }
                    resultFuture.complete(List.of(outcome));
                });
    }

    /** Flink's own timeout, a backstop: the client gives up at total-timeout, 5 s earlier. */
    @Override
    public void timeout(CaptionRequest request, ResultFuture<CaptionOutcome> resultFuture) {
        resultFuture.complete(
                List.of(
                        failure(
                                request,
                                CaptionFailureReason.TIMEOUT,
                                "model "
                                        + endpoint.model()
                                        + " at "
                                        + endpoint.baseUri()
                                        + ": no outcome within Flink's async timeout of "
                                        + endpoint.asyncTimeout().toMillis()
                                        + " ms",
                                0,
                                endpoint.asyncTimeout().toNanos() / 1_000)));
    }

    @Override
    public void close() throws Exception {
        if (captioner != null) {
            captioner.close();
        }
    }

    /** The client's question for one request: its evidence images in the order given. */
    static CaptionPrompt prompt(CaptionRequest request) {
        List<CaptionPrompt.Image> images = new ArrayList<>();
        for (CaptionImage image : request.getEvidence()) {
            images.add(new CaptionPrompt.Image(bytes(image.getImage()), image.getMediaType()));
        }
        return new CaptionPrompt(request.getInstructionText(), request.getCaptionPrompt(), images);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private CaptionOutcome success(
            CaptionRequest request, CaptionResult result, long latencyMicros) {
        captioned.inc();
        latencyMs.update(latencyMicros / 1_000);
        return CaptionOutcome.newBuilder()
                .setMomentId(request.getMomentId())
                .setStreamId(request.getStreamId())
                .setInstructionId(request.getInstructionId())
                .setCaption(result.caption())
                .setModel(modelRef(result.model()))
                .setFailure(null)
                .setLatencyMicros(latencyMicros)
                .setDraft(request.getDraft())
                .build();
    }

    private CaptionOutcome failure(
            CaptionRequest request,
            CaptionFailureReason reason,
            String message,
            int attempts,
            long latencyMicros) {
        failed.get(reason).inc();
        return CaptionOutcome.newBuilder()
                .setMomentId(request.getMomentId())
                .setStreamId(request.getStreamId())
                .setInstructionId(request.getInstructionId())
                .setCaption(null)
                .setModel(modelRef(captioner.model()))
                .setFailure(
                        CaptionFailure.newBuilder()
                                .setReason(reason)
                                .setMessage(message)
                                .setAttempts(attempts)
                                .build())
                .setLatencyMicros(latencyMicros)
                .setDraft(request.getDraft())
                .build();
    }

    private static ModelRef modelRef(ServedModel model) {
        return ModelRef.newBuilder()
                .setRole(model.role())
                .setId(model.id())
                .setVersion(model.version())
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
