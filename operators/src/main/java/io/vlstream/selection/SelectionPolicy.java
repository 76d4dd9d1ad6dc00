package io.vlstream.selection;

import java.io.Serializable;

/**
 * How a score series is cut into moments and how evidence frames are chosen; the per-instruction
 * parts (threshold, evidence budget) travel on each {@code ScoredFrame} instead.
 *
 * @param exitRatio a moment opened at {@code score >= threshold} stays open while {@code score >=
 *     threshold * exitRatio} (hysteresis); in (0, 1], 1 means no hysteresis
 * @param maxGapMicros the longest pts distance between two consecutive frames at or above the exit
 *     level inside one moment: a dip below the exit level, or a hole in the frames, is bridged if
 *     the next good frame comes at most this long after the last one; a frame (or a watermark)
 *     later than that closes the moment. Set it above the frame interval: below it, every frame is
 *     a moment of its own
 * @param minDurationMicros together with {@code minFrames}: a moment is dropped as a blip only if
 *     it is shorter than this ({@code end - start}) <em>and</em> has fewer than {@code minFrames}
 *     frames at or above the threshold
 * @param minFrames see {@code minDurationMicros}; at least 1
 * @param minEvidenceSpacingMicros evidence frames are at least this far apart in pts when the
 *     moment allows it; closer frames only fill a budget that spaced frames cannot fill
 * @param nearDuplicateIou two frames whose detections pair up one-to-one, with equal labels and box
 *     IoU at or above this, are near-duplicates; only the better one is kept; in (0, 1]
 */
public record SelectionPolicy(
        double exitRatio,
        long maxGapMicros,
        long minDurationMicros,
        int minFrames,
        long minEvidenceSpacingMicros,
        double nearDuplicateIou)
        implements Serializable {

    public static final double DEFAULT_EXIT_RATIO = 0.8;
    public static final long DEFAULT_MAX_GAP_MICROS = 1_000_000L;

    /** Defaults for the blip rule drop nothing: every moment has at least one frame above. */
    public static final long DEFAULT_MIN_DURATION_MICROS = 0L;

    public static final int DEFAULT_MIN_FRAMES = 1;
    public static final long DEFAULT_MIN_EVIDENCE_SPACING_MICROS = 500_000L;
    public static final double DEFAULT_NEAR_DUPLICATE_IOU = 0.9;

    private static final long serialVersionUID = 1L;

    /** Checks every value; the message names the setting, the value and what is allowed. */
    public SelectionPolicy {
        if (!(exitRatio > 0.0 && exitRatio <= 1.0)) {
            throw new IllegalArgumentException(
                    "exitRatio must be in (0, 1] (1 disables hysteresis), got " + exitRatio);
        }
        if (maxGapMicros < 0) {
            throw new IllegalArgumentException(
                    "maxGapMicros must be >= 0 (and above the frame interval to join frames"
                            + " into moments), got "
                            + maxGapMicros);
        }
        if (minDurationMicros < 0) {
            throw new IllegalArgumentException(
                    "minDurationMicros must be >= 0, got " + minDurationMicros);
        }
        if (minFrames < 1) {
            throw new IllegalArgumentException(
                    "minFrames must be >= 1 (1 keeps every moment), got " + minFrames);
        }
        if (minEvidenceSpacingMicros < 0) {
            throw new IllegalArgumentException(
                    "minEvidenceSpacingMicros must be >= 0 (0 disables spacing), got "
                            + minEvidenceSpacingMicros);
        }
        if (!(nearDuplicateIou > 0.0 && nearDuplicateIou <= 1.0)) {
            throw new IllegalArgumentException(
                    "nearDuplicateIou must be in (0, 1], got " + nearDuplicateIou);
        }
    }

    /** The defaults: exit ratio 0.8, 1 s gap, no blip filtering, 0.5 s spacing, IoU 0.9. */
    public static SelectionPolicy defaults() {
        return builder().build();
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The level a frame's score must reach to keep an open moment open. */
    public double exitLevel(float threshold) {
        return (double) threshold * exitRatio;
    }

    /** Builds a {@link SelectionPolicy}; every setting is optional and starts at its default. */
    public static final class Builder {
        private double exitRatio = DEFAULT_EXIT_RATIO;
        private long maxGapMicros = DEFAULT_MAX_GAP_MICROS;
        private long minDurationMicros = DEFAULT_MIN_DURATION_MICROS;
        private int minFrames = DEFAULT_MIN_FRAMES;
        private long minEvidenceSpacingMicros = DEFAULT_MIN_EVIDENCE_SPACING_MICROS;
        private double nearDuplicateIou = DEFAULT_NEAR_DUPLICATE_IOU;

        private Builder() {}

        public Builder withExitRatio(double exitRatio) {
            this.exitRatio = exitRatio;
            return this;
        }

        public Builder withMaxGapMicros(long maxGapMicros) {
            this.maxGapMicros = maxGapMicros;
            return this;
        }

        public Builder withMinDurationMicros(long minDurationMicros) {
            this.minDurationMicros = minDurationMicros;
            return this;
        }

        public Builder withMinFrames(int minFrames) {
            this.minFrames = minFrames;
            return this;
        }

        public Builder withMinEvidenceSpacingMicros(long minEvidenceSpacingMicros) {
            this.minEvidenceSpacingMicros = minEvidenceSpacingMicros;
            return this;
        }

        public Builder withNearDuplicateIou(double nearDuplicateIou) {
            this.nearDuplicateIou = nearDuplicateIou;
            return this;
        }

        /**
         * @throws IllegalArgumentException naming the first setting that is out of range
         */
        public SelectionPolicy build() {
            return new SelectionPolicy(
                    exitRatio,
                    maxGapMicros,
                    minDurationMicros,
                    minFrames,
                    minEvidenceSpacingMicros,
                    nearDuplicateIou);
        }
    }
}
