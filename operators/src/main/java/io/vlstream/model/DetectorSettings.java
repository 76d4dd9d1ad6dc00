package io.vlstream.model;

/**
 * How a detector filters its raw output and how many CPU threads it may use.
 *
 * @param minScore detections scoring below this are dropped (0..1)
 * @param nmsIou a detection overlapping a better one by more than this IoU is dropped (0..1)
 * @param maxDetections at most this many detections per image, best first
 * @param intraOpThreads threads one inference may use; keep low when many operator instances share
 *     a task manager's cores
 */
public record DetectorSettings(
        float minScore, float nmsIou, int maxDetections, int intraOpThreads) {

    /** The defaults: score ≥ 0.2, NMS at IoU 0.4, 20 detections, one thread. */
    public static final DetectorSettings DEFAULTS = new DetectorSettings(0.2f, 0.4f, 20, 1);

    public DetectorSettings {
        if (!(minScore >= 0f && minScore <= 1f)) {
            throw new IllegalArgumentException("minScore must be within 0..1, got " + minScore);
        }
        if (!(nmsIou > 0f && nmsIou <= 1f)) {
            throw new IllegalArgumentException("nmsIou must be within (0, 1], got " + nmsIou);
        }
        if (maxDetections < 1) {
            throw new IllegalArgumentException(
                    "maxDetections must be at least 1, got " + maxDetections);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be 0 (TensorFlow decides) or more, got " + intraOpThreads);
        }
    }

    /** The defaults. */
    public static DetectorSettings defaults() {
        return DEFAULTS;
    }

    public DetectorSettings withMinScore(float value) {
        return new DetectorSettings(value, nmsIou, maxDetections, intraOpThreads);
    }

    public DetectorSettings withNmsIou(float value) {
        return new DetectorSettings(minScore, value, maxDetections, intraOpThreads);
    }

    public DetectorSettings withMaxDetections(int value) {
        return new DetectorSettings(minScore, nmsIou, value, intraOpThreads);
    }

    public DetectorSettings withIntraOpThreads(int value) {
        return new DetectorSettings(minScore, nmsIou, maxDetections, value);
    }
}
