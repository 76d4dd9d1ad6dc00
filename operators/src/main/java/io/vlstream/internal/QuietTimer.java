package io.vlstream.internal;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.StreamingRuntimeContext;

/**
 * A processing-time timer per key that fires once the key has been quiet for a timeout: at most one
 * timer per key, its times kept in keyed state so it can be moved and cancelled.
 *
 * <p>Quiet means quiet while the pipeline ran, so that an outage never closes a moment its frames
 * were only delayed by:
 *
 * <ul>
 *   <li><b>Restores.</b> A key is never called quiet less than a timeout after the instance
 *       started. A timer restored from a checkpoint is usually long past due (the job was down),
 *       and its stream's frames are only about to arrive.
 *   <li><b>Stalls</b> ({@link #checkpointed}). A key is called quiet only once a checkpoint whose
 *       barrier passed this instance after the key's quiet time has completed: every record the
 *       sources had read before that barrier has then arrived here, whatever slowed it down (a
 *       model warming up after a restore, backpressure). A checkpoint that took longer than the
 *       timeout to complete after its barrier passed here, while nothing at all arrived here, means
 *       the pipeline was stalled (a broker restart blocks the transactional sinks): the time up to
 *       its completion does not count as quiet, as after a restore. A checkpoint that is only slow
 *       (a large upload) while records keep arriving is no stall. A quiet key therefore closes up
 *       to about one checkpoint interval later than the timeout alone would close it; while no
 *       checkpoint completes at all (checkpoint storage down), nothing closes for quiet, and
 *       nothing would be committed for readers anyway.
 * </ul>
 *
 * <p>Limits: with unaligned checkpoints a barrier overtakes records in flight, so its passing
 * proves less (vlstream's job uses aligned checkpoints); and frames the sources have not read yet
 * while the sinks are healthy (one partition's leader unavailable on a multi-broker cluster) are
 * not seen as a stall.
 *
 * <p>A function using it calls {@link #open}, and, when checkpointed, {@link #onBarrier} from
 * {@code snapshotState} and {@link #onCheckpointComplete} from {@code notifyCheckpointComplete}.
 */
public final class QuietTimer implements Serializable {

    /** The keyed state that holds the time the timer is set for (for {@code applyToKeyedState}). */
    public static final ValueStateDescriptor<Long> DESCRIPTOR =
            new ValueStateDescriptor<>("quiet-timer", BasicTypeInfo.LONG_TYPE_INFO);

    /** The keyed state that holds when the key is due to be quiet (last activity + timeout). */
    public static final ValueStateDescriptor<Long> QUIET_AT_DESCRIPTOR =
            new ValueStateDescriptor<>("quiet-at", BasicTypeInfo.LONG_TYPE_INFO);

    /** Barrier times kept for checkpoints not yet completed (older ones are aborted or lost). */
    private static final int MAX_PENDING_BARRIERS = 64;

    /**
     * How often a key that is quiet but not yet confirmed checks again for a completed checkpoint:
     * often enough to close soon after one completes, rarely enough that waiting keys cost little.
     */
    private static final long MAX_RECHECK_MILLIS = 500;

    private final long timeoutMillis;
    private final boolean checkpointed;

    private transient ValueState<Long> timer;
    private transient ValueState<Long> quietAt;
    private transient LongSupplier clock;

    /** Processing time this instance first saw: its start, or its restore. */
    private transient Long startedAt;

    /** When the last stall ended (a checkpoint completed more than a timeout after its barrier). */
    private transient long resumedAt;

    /** When any key of this instance last had activity. */
    private transient long lastActivityAt;

    /** Barrier time of the newest completed checkpoint: everything read before it has arrived. */
    private transient long arrivedUpTo;

    private transient TreeMap<Long, Long> barriers;

    private QuietTimer(Duration timeout, boolean checkpointed) {
        this.timeoutMillis = timeout.toMillis();
        this.checkpointed = checkpointed;
    }

    /**
     * Quiet in processing time alone (and a timeout after a restore); for jobs without checkpoints.
     */
    public static QuietTimer of(Duration timeout) {
        return new QuietTimer(timeout, false);
    }

    /** Quiet once a checkpoint confirms that nothing for the key was still on its way. */
    public static QuietTimer checkpointed(Duration timeout) {
        return new QuietTimer(timeout, true);
    }

    /** Call from the function's {@code open()}. */
    public void open(RuntimeContext context) {
        timer = context.getState(DESCRIPTOR);
        quietAt = context.getState(QUIET_AT_DESCRIPTOR);
        clock =
                context instanceof StreamingRuntimeContext streaming
                        ? streaming.getProcessingTimeService()::getCurrentProcessingTime
                        : System::currentTimeMillis;
        barriers = new TreeMap<>();
        arrivedUpTo = Long.MIN_VALUE;
        resumedAt = Long.MIN_VALUE;
        lastActivityAt = Long.MIN_VALUE;
    }

    /** Activity on the current key: the timer now fires a full timeout from now. */
    public void restart(TimerService timers) throws IOException {
        Long previous = timer.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
        }
        start(timers);
    }

    /** Starts the timer unless it is already running. */
    public void startIfStopped(TimerService timers) throws IOException {
        if (timer.value() == null) {
            start(timers);
        }
    }

    /**
     * Call when the timer has fired for the current key: true when the key really was quiet for the
     * timeout while the pipeline ran (see the class comment). Otherwise the timer is moved to when
     * it may be, and the key is not quiet yet.
     */
    public boolean confirm(TimerService timers) throws IOException {
        long now = timers.currentProcessingTime();
        Long due = quietAt.value();
        long earliest =
                Math.max(
                        due != null ? due : now,
                        Math.max(startedAt(now), resumedAt) + timeoutMillis);
        if (now < earliest) {
            moveTo(timers, earliest, earliest);
            return false;
        }
        if (checkpointed && arrivedUpTo < earliest) {
            moveTo(timers, now + Math.min(timeoutMillis, MAX_RECHECK_MILLIS), earliest);
            return false;
        }
        timer.clear();
        quietAt.clear();
        return true;
    }

    /** Stops the timer of the current key and forgets it. */
    public void cancel(TimerService timers) throws IOException {
        Long previous = timer.value();
        if (previous != null) {
            timers.deleteProcessingTimeTimer(previous);
            timer.clear();
        }
        quietAt.clear();
    }

    /**
     * Call from {@code snapshotState}: checkpoint {@code checkpointId}'s barrier passed here now.
     */
    public void onBarrier(long checkpointId) {
        barriers.put(checkpointId, clock.getAsLong());
        while (barriers.size() > MAX_PENDING_BARRIERS) {
            barriers.pollFirstEntry();
        }
    }

    /** Call from {@code notifyCheckpointComplete}. */
    public void onCheckpointComplete(long checkpointId) {
        Long barrierAt = barriers.get(checkpointId);
        barriers.headMap(checkpointId, true).clear();
        if (barrierAt == null) {
            return;
        }
        long now = clock.getAsLong();
        arrivedUpTo = Math.max(arrivedUpTo, barrierAt);
        boolean nothingArrived = lastActivityAt < barrierAt;
        if (now - barrierAt > timeoutMillis && nothingArrived) {
            resumedAt = now;
        }
    }

    private long startedAt(long now) {
        if (startedAt == null) {
            startedAt = now;
        }
        return startedAt;
    }

    private void moveTo(TimerService timers, long fireAt, long due) throws IOException {
        Long previous = timer.value();
        if (previous != null && previous != fireAt) {
            timers.deleteProcessingTimeTimer(previous);
        }
        timers.registerProcessingTimeTimer(fireAt);
        timer.update(fireAt);
        quietAt.update(due);
    }

    private void start(TimerService timers) throws IOException {
        long now = timers.currentProcessingTime();
        startedAt(now);
        lastActivityAt = now;
        long next = now + timeoutMillis;
        timers.registerProcessingTimeTimer(next);
        timer.update(next);
        quietAt.update(next);
    }
}
