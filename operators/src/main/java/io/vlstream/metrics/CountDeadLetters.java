package io.vlstream.metrics;

import io.vlstream.avro.DeadLetter;
import io.vlstream.avro.ReasonCode;
import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/**
 * Counts every dead letter on its way to the DLQ sink by reason ({@link
 * VlstreamMetric#DEAD_LETTERS}): one metric for every stage's rejections, limits included.
 */
public class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {

    private transient Map<ReasonCode, Counter> counters;

    @Override
    public void open(OpenContext openContext) {
        counters = new EnumMap<>(ReasonCode.class);
        for (ReasonCode reason : ReasonCode.values()) {
            counters.put(
                    reason,
                    VlstreamMetrics.counter(
                            getRuntimeContext().getMetricGroup(),
                            VlstreamMetric.DEAD_LETTERS,
                            reason.name()));
        }
    }

    @Override
    public DeadLetter map(DeadLetter letter) {
        counters.get(letter.getReason()).inc();
        return letter;
    }
}
