package io.vlstream.caption;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.CaptionFailureReason;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.ScoredFrame;
import io.vlstream.avro.internal.SelectedMoment;
import io.vlstream.instruction.LabelLexicon;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import io.vlstream.model.remote.CaptionException;
import io.vlstream.model.remote.CaptionException.Kind;
import io.vlstream.model.remote.CaptionPrompt;
import io.vlstream.model.remote.ChatEndpoint;
import io.vlstream.model.remote.CircuitBreaker;
import io.vlstream.model.remote.OpenAiChatCaptioner;
import io.vlstream.model.remote.ServedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A served VLM (an OpenAI-compatible chat endpoint) writes the caption: the evidence images, most
 * relevant first, the caption prompt and the instruction go in one request; the answer comes out
 * grounded in the regions the grounded template names. Never throws: a slow, failing or unreachable
 * endpoint completes the future with a {@link CaptionException} whose kind says why.
 */
public final class ServedCaptioner implements MomentCaptioner {

    private static final Logger LOG = LoggerFactory.getLogger(ServedCaptioner.class);

    /** Longest wait in open() for the server's model list (lineage only; it never blocks start). */
    private static final Duration RESOLVE_MODEL_WAIT = Duration.ofSeconds(10);

    private final ChatEndpoint endpoint;
    private final OpenAiChatCaptioner client;
    private final TemplateCaptioner template;
    private final CaptionGrounding grounding;
    private Counter captioned;
    private Map<CaptionFailureReason, Counter> failed;
    private Histogram latencyMs;

    private ServedCaptioner(
            ChatEndpoint endpoint,
            OpenAiChatCaptioner client,
            float minDetectionScore,
            List<String> detectorLabels) {
        this.endpoint = endpoint;
        this.client = client;
        this.template = new TemplateCaptioner(minDetectionScore);
        this.grounding = new CaptionGrounding(LabelLexicon.of(detectorLabels));
    }

    /**
     * Opens the client and asks the server which model version it serves, waiting at most 10 s (the
     * answer only names the version in the lineage).
     *
     * @param detectorLabels the labels of the job's detector: what the caption's words are grounded
     *     in
     */
    public static ServedCaptioner open(
            ChatEndpoint endpoint, float minDetectionScore, List<String> detectorLabels) {
        OpenAiChatCaptioner client = OpenAiChatCaptioner.open(endpoint);
        try {
            ServedModel model =
                    client.resolveModel().get(RESOLVE_MODEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Captioning with {} ({})", model, endpoint);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn(
                    "GET {} gave no answer in {} ({}); captions name model {} version '{}'"
                            + " until it does",
                    endpoint.modelsUri(),
                    RESOLVE_MODEL_WAIT,
                    e.getClass().getSimpleName(),
                    endpoint.model(),
                    client.model().version());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new ServedCaptioner(endpoint, client, minDetectionScore, detectorLabels);
    }

    @Override
    public CompletableFuture<CaptionText> caption(SelectedMoment moment) {
        CaptionPrompt prompt;
        try {
            prompt = prompt(moment);
        } catch (RuntimeException e) {
            // A request the client cannot even build (no images, say) is the moment's fault.
            return CompletableFuture.failedFuture(
                    new CaptionException(
                            Kind.PERMANENT, "bad caption request: " + e.getMessage(), 0, e));
        }
        return client.caption(prompt)
                .thenApply(
                        result -> {
                            String text = result.caption().strip();
                            try {
                                return new CaptionText(
                                        text,
                                        grounding.ground(text, template.compose(moment).phrases()),
                                        modelRef(result.model()));
                            } catch (RuntimeException | StackOverflowError e) {
                                throw new CaptionException(
                                        Kind.PERMANENT, "grounding the caption failed: " + e, 0, e);
                            }
                        });
    }

    /** The client's question for one moment: the evidence images, most relevant first. */
    static CaptionPrompt prompt(SelectedMoment moment) {
        List<CaptionPrompt.Image> images = new ArrayList<>();
        for (ScoredFrame frame : CaptionEvidence.withImages(moment)) {
            images.add(new CaptionPrompt.Image(CaptionEvidence.bytes(frame), frame.getMediaType()));
        }
        return new CaptionPrompt(moment.getInstructionText(), moment.getCaptionPrompt(), images);
    }

    @Override
    public ModelRef model() {
        return modelRef(client.model());
    }

    @Override
    public void registerMetrics(MetricGroup metrics) {
        captioned = VlstreamMetrics.counter(metrics, VlstreamMetric.CAPTIONS_SERVED);
        failed = new EnumMap<>(CaptionFailureReason.class);
        for (CaptionFailureReason reason : CaptionFailureReason.values()) {
            failed.put(
                    reason,
                    VlstreamMetrics.counter(
                            metrics, VlstreamMetric.CAPTION_FAILURES, reason.name()));
        }
        latencyMs = VlstreamMetrics.histogram(metrics, VlstreamMetric.CAPTION_LATENCY);
        VlstreamMetrics.gauge(metrics, VlstreamMetric.CAPTION_IN_FLIGHT, client::inFlight);
        VlstreamMetrics.gauge(
                metrics,
                VlstreamMetric.CAPTION_CIRCUIT_OPEN,
                () -> client.circuitState() == CircuitBreaker.State.CLOSED ? 0 : 1);
    }

    @Override
    public void record(CaptionOutcome outcome) {
        if (captioned == null) {
            return;
        }
        if (outcome.getFailure() == null) {
            captioned.inc();
            latencyMs.update(outcome.getLatencyMicros() / 1_000);
        } else {
            failed.get(outcome.getFailure().getReason()).inc();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "model " + endpoint.model() + " at " + endpoint.baseUri();
    }

    private static ModelRef modelRef(ServedModel model) {
        return ModelRef.newBuilder()
                .setRole(model.role())
                .setId(model.id())
                .setVersion(model.version())
                .build();
    }
}
