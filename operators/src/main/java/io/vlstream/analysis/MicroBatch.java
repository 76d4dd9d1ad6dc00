package io.vlstream.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects records for one model call and says when to make it: when {@code maxSize} records are
 * in, or when the oldest has waited {@code maxWait}. Plain Java, no Flink: the operator asks it,
 * and also empties it before a watermark, a checkpoint barrier and the end of input.
 *
 * @param <T> what is batched
 */
public final class MicroBatch<T> {

    private final int maxSize;
    private final long maxWaitMillis;
    private final List<T> items;
    private long deadline = Long.MIN_VALUE;

    public MicroBatch(int maxSize, Duration maxWait) {
        if (maxSize < 1) {
            throw new IllegalArgumentException("max batch size must be >= 1, got " + maxSize);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("max batch wait must be >= 0, got " + maxWait);
        }
        this.maxSize = maxSize;
        this.maxWaitMillis = maxWait.toMillis();
        this.items = new ArrayList<>(maxSize);
    }

    /**
     * Adds a record that arrived at processing time {@code nowMillis}.
     *
     * @return true when the batch is now full and should be flushed
     */
    public boolean add(T item, long nowMillis) {
        if (items.isEmpty()) {
            deadline = saturatedAdd(nowMillis, maxWaitMillis);
        }
        items.add(item);
        return items.size() >= maxSize;
    }

    /** When the current batch must be flushed at the latest; only meaningful while not empty. */
    public long deadline() {
        return deadline;
    }

    /** True when there is a batch and its oldest record has waited long enough. */
    public boolean isDue(long nowMillis) {
        return !items.isEmpty() && nowMillis >= deadline;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    public int size() {
        return items.size();
    }

    /** Hands out the batch, in arrival order, and starts an empty one. */
    public List<T> drain() {
        List<T> batch = List.copyOf(items);
        items.clear();
        deadline = Long.MIN_VALUE;
        return batch;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
