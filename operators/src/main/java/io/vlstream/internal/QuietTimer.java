package io.vlstream.internal;

import java.io.IOException;
import java.io.Serializable;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.streaming.api.TimerService;

/**
 * A processing-time timer per key that fires once the key has been quiet for a timeout: at most one
 * timer per key, its due time kept in keyed state so it can be moved and cancelled.
 *
 * <p>Quiet means quiet while this instance ran: a key is never called quiet less than a timeout
 * after the instance started. A timer restored from a checkpoint is usually long past due (the job
 * was down), and its stream's frames, delayed by the outage, are only about to arrive; closing its
 * moment then would split one moment in two at every restart. {@link #confirm} moves such a timer
 * to a full timeout after the start instead.
 */
public final class QuietTimer implements Serializable {

    /** The keyed state that holds the due time (for {@code applyToKeyedState}). */
    public static final ValueStateDescriptor<Long> DESCRIPTOR =
            new ValueStateDescriptor<>("quiet-timer", BasicTypeInfo.LONG_TYPE_INFO);

    private final long timeoutMillis;
    private transient ValueState<Long> due;

    /** Processing time this instance first saw: its start, or its restore. */
    private transient Long startedAt;

    public QuietTimer(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /** Call from the function's {@code open()}. */
    public void open(RuntimeContext context) {
        due = context.getState(DESCRIPTOR);
    }

    /** Activity on the current key: the timer now fires a full timeout from now. */
    public void restart(TimerService timers) throws IOException {
        Long previous = due.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        start(timers);
    }

    /** Starts the timer unless it is already running. */
    public void startIfStopped(TimerService timers) throws IOException {
        if (due.value() == null) {
            start(timers);
        }
    }

    /**
     * Call when the timer has fired for the current key: true when the key really was quiet for the
     * timeout while this instance ran. False when the instance started less than a timeout ago (a
     * restore): the timer is then moved to a full timeout after the start, and the key is not quiet
     * yet.
     */
    public boolean confirm(TimerService timers) throws IOException {
        long now = timers.currentProcessingTime();
        long earliest = startedAt(now) + timeoutMillis;
        if (now < earliest) {
            timers.registerProcessingTimeTimer(earliest);
            due.update(earliest);
            return false;
        }
        due.clear();
        return true;
    }

    /** Stops the timer of the current key and forgets it. */
    public void cancel(TimerService timers) throws IOException {
        Long previous = due.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
            due.clear();
        }
    }

    private long startedAt(long now) {
        if (startedAt == null) {
            startedAt = now;
        }
        return startedAt;
    }

    private void start(TimerService timers) throws IOException {
        long now = timers.currentProcessingTime();
        startedAt(now);
        long next = now + timeoutMillis;
        timers.registerProcessingTimeTimer(next);
        due.update(next);
    }
}
