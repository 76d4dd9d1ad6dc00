package io.vlstream.decode;

import io.vlstream.avro.ReasonCode;
import io.vlstream.metrics.VlstreamMetric;
import io.vlstream.metrics.VlstreamMetrics;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Counts rejected frames per reason: {@link VlstreamMetric#FRAMES_REJECTED}{reason="..."}. */
public final class RejectionCounters {

    private final Map<ReasonCode, Counter> counters = new EnumMap<>(ReasonCode.class);

    public RejectionCounters(MetricGroup operatorGroup) {
        for (ReasonCode reason : ReasonCode.values()) {
            counters.put(
                    reason,
                    VlstreamMetrics.counter(
                            operatorGroup, VlstreamMetric.FRAMES_REJECTED, reason.name()));
        }
    }

    public void inc(ReasonCode reason) {
        counters.get(reason).inc();
    }
}
