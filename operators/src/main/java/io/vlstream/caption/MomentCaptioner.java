package io.vlstream.caption;

import io.vlstream.avro.ModelRef;
import io.vlstream.avro.internal.CaptionOutcome;
import io.vlstream.avro.internal.SelectedMoment;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.metrics.MetricGroup;

/**
 * The caption stage's one role: turns a selected moment into a grounded caption. Three adapters:
 * {@link TemplateCaptioner} (composed from the detections), {@link InProcessCaptioner} (a model in
 * the task manager) and {@link ServedCaptioner} (a served VLM). {@link CaptionMoments} runs
 * whichever the job is set up with.
 */
public interface MomentCaptioner extends AutoCloseable {

    /**
     * Captions one moment. Returns at once or soon; the future completes with the caption, or
     * exceptionally with a {@code CaptionException} saying why there is none. It never throws.
     */
    CompletableFuture<CaptionText> caption(SelectedMoment moment);

    /** The captioner's lineage, for outcomes that have no answer to name it. */
    ModelRef model();

    /** Registers the adapter's own metrics (a served VLM's calls); most adapters have none. */
    default void registerMetrics(MetricGroup metrics) {}

    /** Sees every outcome, for the adapter's own metrics. */
    default void record(CaptionOutcome outcome) {}

    @Override
    void close();
}
