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
 */
public final class QuietTimer implements Serializable {

    /** The keyed state that holds the due time (for {@code applyToKeyedState}). */
    public static final ValueStateDescriptor<Long> DESCRIPTOR =
            new ValueStateDescriptor<>("quiet-timer", BasicTypeInfo.LONG_TYPE_INFO);

    private final long timeoutMillis;
    private transient ValueState<Long> due;

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

    /** Call when the timer has fired for the current key. */
    public void fired() {
        due.clear();
    }

    /** Stops the timer of the current key and forgets it. */
    public void cancel(TimerService timers) throws IOException {
        Long previous = due.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
            due.clear();
        }
    }

    private void start(TimerService timers) throws IOException {
        long next = timers.currentProcessingTime() + timeoutMillis;
        timers.registerProcessingTimeTimer(next);
        due.update(next);
    }
}
