package io.vlstream.cli;

/**
 * Holds a loop to a rate: the n-th call of {@link #await(long)} returns no earlier than n / rate
 * seconds after the first. A loop that fell behind (a slow source) is not slowed further.
 */
final class Pacer {

    private final double perSecond;
    private long startNanos = -1;

    /**
     * @param perSecond the rate; 0 or less: no pacing
     */
    Pacer(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Sleeps until item {@code index} (0-based) is due. */
    void await(long index) throws InterruptedException {
        if (perSecond <= 0) {
            return;
        }
        long now = System.nanoTime();
        if (startNanos < 0) {
            startNanos = now;
        }
        long wait = dueNanos(startNanos, index, perSecond) - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    static long dueNanos(long startNanos, long index, double perSecond) {
        return startNanos + (long) (index * 1e9 / perSecond);
    }
}
