package io.vlstream.metrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * vlstream's metrics, registered in a "vlstream" group under each operator so the Prometheus
 * reporter exports them as flink_taskmanager_job_task_operator_vlstream_*.
 */
public final class VlstreamMetrics {

    private static final int HISTOGRAM_WINDOW = 1000;

    private VlstreamMetrics() {}

    /** The "vlstream" group of an operator's metrics. */
    public static MetricGroup group(MetricGroup operatorGroup) {
        return operatorGroup.addGroup("vlstream");
    }

    /** A counter named with Prometheus conventions (a _total suffix is added by the exporter). */
    public static Counter counter(MetricGroup operatorGroup, String name) {
        return group(operatorGroup).counter(name);
    }

    /** A counter with a label, e.g. reason="CORRUPT_IMAGE". */
    public static Counter counter(
            MetricGroup operatorGroup, String name, String labelKey, String labelValue) {
        return group(operatorGroup).addGroup(labelKey, labelValue).counter(name);
    }

    /** A histogram over the last 1,000 values. */
    public static Histogram histogram(MetricGroup operatorGroup, String name) {
        return group(operatorGroup)
                .histogram(name, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
    }
}
