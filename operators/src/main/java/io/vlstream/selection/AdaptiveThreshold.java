package io.vlstream.selection;

/**
 * The threshold of an instruction in {@code ADAPTIVE} mode: a running quantile of the stream's own
 * scores ({@link QuantileSketch}), so a camera whose detector is always confident needs more to
 * open a moment and a dim, far camera needs less. Bounds keep it sane:
 *
 * <ul>
 *   <li>until {@link #WARMUP} scores are seen, the fixed threshold applies;
 *   <li>it never goes below {@code fixed * FLOOR_RATIO}: a stream where the instruction never holds
 *       (all scores 0) must not open moments on noise.
 * </ul>
 */
public final class AdaptiveThreshold {

    /** Scores seen before the quantile is trusted. */
    public static final int WARMUP = 50;

    /** The adaptive threshold never drops below this fraction of the fixed one. */
    public static final double FLOOR_RATIO = 0.5;

    private AdaptiveThreshold() {}

    /**
     * The threshold for the next frame.
     *
     * @param sketch the stream's sketch, with the frame's own score already added
     * @param state the sketch's state (null: nothing seen)
     * @param fixed the instruction's fixed threshold
     */
    public static float threshold(QuantileSketch sketch, double[] state, float fixed) {
        if (QuantileSketch.count(state) < WARMUP) {
            return fixed;
        }
        double q = sketch.estimate(state);
        return (float) Math.min(1.0, Math.max(fixed * FLOOR_RATIO, q));
    }
}
