package io.vlstream.selection;

import java.util.Arrays;

/**
 * The captioner budget of one stream and instruction: at most N frames sent in any minute of event
 * time. The state is the event times of the frames sent within the last minute, ascending, so it
 * never holds more than N entries.
 */
public final class FrameBudget {

    /** The budget's window: one minute of event time. */
    public static final long WINDOW_MICROS = 60_000_000L;

    private static final long[] EMPTY = new long[0];

    private FrameBudget() {}

    /** The sends still inside the window that ends at {@code nowMicros} (never null). */
    public static long[] prune(long[] sentAtMicros, long nowMicros) {
        if (sentAtMicros == null || sentAtMicros.length == 0) {
            return EMPTY;
        }
        int first = 0;
        while (first < sentAtMicros.length && sentAtMicros[first] <= nowMicros - WINDOW_MICROS) {
            first++;
        }
        return first == 0
                ? sentAtMicros
                : Arrays.copyOfRange(sentAtMicros, first, sentAtMicros.length);
    }

    /**
     * Frames that may still be sent at {@code nowMicros}.
     *
     * @param perMinute the budget; 0 or less means no limit
     */
    public static int available(long[] sentAtMicros, long nowMicros, int perMinute) {
        if (perMinute <= 0) {
            return Integer.MAX_VALUE;
        }
        return Math.max(0, perMinute - prune(sentAtMicros, nowMicros).length);
    }

    /**
     * The state after sending {@code frames} frames at {@code nowMicros}; with no limit nothing is
     * recorded, so unlimited instructions keep no budget state.
     *
     * @throws IllegalArgumentException if that would exceed the budget (a caller bug)
     */
    public static long[] charge(long[] sentAtMicros, long nowMicros, int frames, int perMinute) {
        long[] kept = prune(sentAtMicros, nowMicros);
        if (perMinute <= 0 || frames <= 0) {
            return kept;
        }
        if (kept.length + frames > perMinute) {
            throw new IllegalArgumentException(
                    "sending "
                            + frames
                            + " frames at "
                            + nowMicros
                            + " µs exceeds the budget of "
                            + perMinute
                            + " a minute ("
                            + kept.length
                            + " sent in the last minute)");
        }
        long[] next = Arrays.copyOf(kept, kept.length + frames);
        long last = kept.length == 0 ? Long.MIN_VALUE : kept[kept.length - 1];
        // Event time may not go backwards inside the state: keep it ascending for prune().
        Arrays.fill(next, kept.length, next.length, Math.max(last, nowMicros));
        return next;
    }
}
