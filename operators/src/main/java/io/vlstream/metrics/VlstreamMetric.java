package io.vlstream.metrics;

/**
 * Every metric vlstream registers, with the name Prometheus scrapes it under. The one list that
 * operators register from, that the metrics ITCase checks against a real scrape, and that the
 * deploy/ test checks the Grafana dashboard and alert rules against.
 *
 * <p>Flink's Prometheus reporter exports a metric of an operator's "vlstream" group as {@code
 * flink_taskmanager_job_task_operator_vlstream_<name>}; a labelled metric (registered under a
 * key/value group) also gets the label key in its name, as Flink puts the key in the scope: {@code
 * ..._vlstream_reason_frames_rejected_total{reason="CORRUPT_IMAGE"}}. The reporter exports a
 * Counter as-is (no suffix added), so counters are named with {@code _total} here; a Histogram
 * becomes a summary ({@code {quantile="0.5"}} ... plus {@code _count}). Flink histograms hold
 * longs, so latencies are milliseconds, named so.
 */
public enum VlstreamMetric {
    FRAMES_IN("frames_in_total", Kind.COUNTER, "Frame records read from Kafka."),
    FRAMES_DECODED(
            "frames_decoded_total", Kind.COUNTER, "Frame records that decoded and validated."),
    FRAMES_REJECTED(
            "frames_rejected_total",
            Kind.COUNTER,
            "reason",
            "Frames sent to the DLQ, by reason code (decode stage and analyze stage)."),
    FRAMES_ANALYZED("frames_analyzed_total", Kind.COUNTER, "Frames the detector ran on."),
    FRAMES_REUSED(
            "frames_reused_total",
            Kind.COUNTER,
            "Frames the change gate found unchanged: the stream's last analysis was reused, the"
                    + " model not run."),
    MODEL_LATENCY(
            "model_latency_milliseconds",
            Kind.HISTOGRAM,
            "Detector and image-encoder time per micro-batch (inference)."),
    MODEL_BATCH_SIZE(
            "model_batch_size_frames",
            Kind.HISTOGRAM,
            "Frames per micro-batch the models ran on (up to vlstream.model.max-batch-size)."),
    FRAMES_SCORED(
            "frames_scored_total",
            Kind.COUNTER,
            "Frame x instruction pairs scored (one per score)."),
    ACTIVE_INSTRUCTIONS(
            "active_instructions", Kind.GAUGE, "Instructions active in the scoring operator."),
    MOMENTS_OPENED("moments_opened_total", Kind.COUNTER, "Moments opened."),
    MOMENTS_CLOSED("moments_closed_total", Kind.COUNTER, "Moments closed."),
    MOMENTS_OVER_BUDGET(
            "moments_over_budget_total",
            Kind.COUNTER,
            "Caption updates withheld because the instruction's frames-per-minute budget was"
                    + " spent."),
    FRAMES_LATE(
            "frames_late_total",
            Kind.COUNTER,
            "Scored frames behind the watermark, left out of moment selection."),
    CAPTIONER_FRAMES(
            "captioner_frames_total",
            Kind.COUNTER,
            "Evidence frames sent to the captioner (summed over emitted captions)."),
    CAPTIONS_EMITTED("captions_emitted_total", Kind.COUNTER, "Grounded captions emitted."),
    END_TO_END_LATENCY(
            "end_to_end_latency_milliseconds",
            Kind.HISTOGRAM,
            "Caption emit wall time minus the pts of the moment's last frame (0 if the clocks"
                    + " disagree the other way)."),
    INSTRUCTIONS_COMPILED("instructions_compiled_total", Kind.COUNTER, "Instructions compiled."),
    INSTRUCTIONS_RETIRED("instructions_retired_total", Kind.COUNTER, "Instructions retired."),
    INSTRUCTIONS_REJECTED(
            "instructions_rejected_total", Kind.COUNTER, "Instructions sent to the DLQ."),
    DEAD_LETTERS(
            "dead_letters_total",
            Kind.COUNTER,
            "reason",
            "Records sent to the DLQ by any stage, by reason code (limits, clocks, outputs too"
                    + " large, stage failures included)."),
    OUTPUTS_TRIMMED(
            "outputs_trimmed_total",
            Kind.COUNTER,
            "sink",
            "Captions and scores trimmed to fit the sink's request size, by sink (captions,"
                    + " scores)."),
    TEXTS_REJECTED("texts_rejected_total", Kind.COUNTER, "Timed texts sent to the DLQ."),
    TEXTS_ALIGNED("texts_aligned_total", Kind.COUNTER, "Timed texts scored against their span."),
    CAPTIONS_SERVED(
            "captions_served_total",
            Kind.COUNTER,
            "Captions written by a served VLM (jobs with an openai: captioner only)."),
    CAPTION_FAILURES(
            "caption_failures_total",
            Kind.COUNTER,
            "reason",
            "Moments the served VLM could not caption, by reason (jobs with an openai: captioner"
                    + " only)."),
    CAPTION_LATENCY(
            "caption_latency_milliseconds",
            Kind.HISTOGRAM,
            "Served VLM time per caption, retries included (jobs with an openai: captioner only)."),
    CAPTION_IN_FLIGHT(
            "caption_in_flight",
            Kind.GAUGE,
            "Requests open at the served VLM (jobs with an openai: captioner only)."),
    CAPTION_CIRCUIT_OPEN(
            "caption_circuit_open",
            Kind.GAUGE,
            "1 while the served VLM's circuit breaker is open (jobs with an openai: captioner"
                    + " only).");

    /** The metrics of the served-VLM caption stage, present only in jobs that have one. */
    private static final java.util.Set<VlstreamMetric> SERVED_CAPTIONER =
            java.util.EnumSet.of(
                    CAPTIONS_SERVED,
                    CAPTION_FAILURES,
                    CAPTION_LATENCY,
                    CAPTION_IN_FLIGHT,
                    CAPTION_CIRCUIT_OPEN);

    /** What the Prometheus reporter puts before the name of an operator's vlstream metric. */
    public static final String PROMETHEUS_PREFIX = "flink_taskmanager_job_task_operator_vlstream_";

    /** The Flink metric type, and so the Prometheus shape. */
    public enum Kind {
        COUNTER,
        GAUGE,
        HISTOGRAM
    }

    private final String metricName;
    private final Kind kind;
    private final String labelKey;
    private final String description;

    VlstreamMetric(String metricName, Kind kind, String description) {
        this(metricName, kind, null, description);
    }

    VlstreamMetric(String metricName, Kind kind, String labelKey, String description) {
        this.metricName = metricName;
        this.kind = kind;
        this.labelKey = labelKey;
        this.description = description;
    }

    /** The name registered in the operator's "vlstream" metric group. */
    public String metricName() {
        return metricName;
    }

    public Kind kind() {
        return kind;
    }

    /** The label key of a labelled metric (e.g. "reason"), or null. */
    public String labelKey() {
        return labelKey;
    }

    public String description() {
        return description;
    }

    /** Whether every job exports it (the served-VLM stage's metrics exist only with one). */
    public boolean inEveryJob() {
        return !SERVED_CAPTIONER.contains(this);
    }

    /** The metric family name as scraped from Flink's Prometheus reporter. */
    public String prometheusName() {
        return PROMETHEUS_PREFIX + (labelKey == null ? "" : labelKey + "_") + metricName;
    }
}
