package io.vlstream.model.remote;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Fails fast while an endpoint is down: opens after {@code threshold} consecutive failed attempts,
 * lets one probe through after the cool-down (half-open), closes again on the probe's success.
 * Thread-safe.
 *
 * <p>Only transient failures count against the endpoint: an answer such as a 400 shows that the
 * endpoint is up, so it counts as a success here.
 */
public final class CircuitBreaker {

    /** The breaker's states. */
    public enum State {
        CLOSED,
        OPEN,
        HALF_OPEN
    }

    private final int threshold;
    private final long coolDownNanos;
    private final LongSupplier nanoClock;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtNanos;
    private boolean probeInFlight;

    public CircuitBreaker(int threshold, Duration coolDown, LongSupplier nanoClock) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
        }
        this.threshold = threshold;
        this.coolDownNanos = coolDown.toNanos();
        this.nanoClock = nanoClock;
    }

    public CircuitBreaker(int threshold, Duration coolDown) {
        this(threshold, coolDown, System::nanoTime);
    }

    /**
     * Whether an attempt may be sent now. In the half-open state exactly one caller gets true (the
     * probe) until it reports back.
     */
    public synchronized boolean tryAcquire() {
        switch (state) {
            case CLOSED:
                return true;
            case OPEN:
                if (nanoClock.getAsLong() - openedAtNanos >= coolDownNanos) {
                    state = State.HALF_OPEN;
                    probeInFlight = true;
                    return true;
                }
                return false;
            default:
                if (probeInFlight) {
                    return false;
                }
                probeInFlight = true;
                return true;
        }
    }

    /** The endpoint answered: closes the circuit. */
    public synchronized void onSuccess() {
        consecutiveFailures = 0;
        probeInFlight = false;
        state = State.CLOSED;
    }

    /** An attempt failed transiently: may open the circuit, or re-open it after a failed probe. */
    public synchronized void onFailure() {
        consecutiveFailures++;
        if (state == State.HALF_OPEN || state == State.CLOSED && consecutiveFailures >= threshold) {
            state = State.OPEN;
            openedAtNanos = nanoClock.getAsLong();
            probeInFlight = false;
        }
    }

    /** An acquired attempt ended without telling anything about the endpoint (e.g. cancelled). */
    public synchronized void onAbandoned() {
        if (state == State.HALF_OPEN) {
            probeInFlight = false;
        }
    }

    public synchronized State state() {
        return state;
    }

    /** While open, how long until a probe is let through; zero otherwise. */
    public synchronized Duration untilProbe() {
        if (state != State.OPEN) {
            return Duration.ZERO;
        }
        long left = coolDownNanos - (nanoClock.getAsLong() - openedAtNanos);
        return Duration.ofNanos(Math.max(0, left));
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }
}
