package io.vlstream.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * Registers {@link VlstreamMetric}s in a "vlstream" group under an operator's metric group, so the
 * Prometheus reporter exports them as {@link VlstreamMetric#prometheusName()}.
 */
public final class VlstreamMetrics {

    private static final int HISTOGRAM_WINDOW = 1000;

    private VlstreamMetrics() {}

    /** The "vlstream" group of an operator's metrics. */
    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("vlstream");
    }

    public static Counter counter(MetricGroup operatorGroup, VlstreamMetric metric) {
        require(metric, VlstreamMetric.Kind.COUNTER, false);
        return group(operatorGroup).counter(metric.metricName());
    }

    /** A counter of a labelled metric, e.g. frames_rejected_total with reason="CORRUPT_IMAGE". */
    public static Counter counter(
            MetricGroup operatorGroup, VlstreamMetric metric, String labelValue) {
        require(metric, VlstreamMetric.Kind.COUNTER, true);
        return group(operatorGroup)
                .addGroup(metric.labelKey(), labelValue)
                .counter(metric.metricName());
    }

    /** A histogram over the last 1,000 values. */
    public static Histogram histogram(MetricGroup operatorGroup, VlstreamMetric metric) {
        require(metric, VlstreamMetric.Kind.HISTOGRAM, false);
        return group(operatorGroup)
                .histogram(
                        metric.metricName(), new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }

    public static <T extends Number> void gauge(
            MetricGroup operatorGroup, VlstreamMetric metric, Gauge<T> gauge) {
        require(metric, VlstreamMetric.Kind.GAUGE, false);
        group(operatorGroup).gauge(metric.metricName(), gauge);
    }

    private static void require(VlstreamMetric metric, VlstreamMetric.Kind kind, boolean labelled) {
        if (metric.kind() != kind || (metric.labelKey() != null) != labelled) {
            throw new IllegalArgumentException(
                    metric
                            + " is a "
                            + (metric.labelKey() == null ? "" : "labelled ")
                            + metric.kind()
                            + ", not a "
                            + (labelled ? "labelled " : "")
                            + kind);
        }
    }
}
