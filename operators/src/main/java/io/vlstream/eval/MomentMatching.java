package io.vlstream.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Matches predicted moments to reference moments by temporal IoU: greedy, best IoU first,
 * one-to-one, a pair counts when its IoU is at least the threshold (0.5 in {@code vlstream eval}).
 */
public final class MomentMatching {

    private MomentMatching() {}

    /**
     * A moment as a half-open time interval {@code [startMicros, endMicros)}; a moment of frames
     * {@code first..last} covers {@code [pts(first), pts(last) + frame interval)}, so a one-frame
     * moment has the length of one frame, not zero.
     */
    public record Interval(long startMicros, long endMicros) {
        public Interval {
            if (endMicros < startMicros) {
                throw new IllegalArgumentException(
                        "interval ends before it starts: " + startMicros + " > " + endMicros);
            }
        }

        long length() {
            return endMicros - startMicros;
        }
    }

    /** Temporal intersection over union of two intervals; 0 when both are empty. */
    public static double iou(Interval a, Interval b) {
        long inter =
                Math.max(
                        0,
                        Math.min(a.endMicros(), b.endMicros())
                                - Math.max(a.startMicros(), b.startMicros()));
        long union = a.length() + b.length() - inter;
        return union <= 0 ? 0.0 : (double) inter / union;
    }

    /** How many reference and predicted moments pair up at {@code minIou}. */
    public static int matches(List<Interval> reference, List<Interval> predicted, double minIou) {
        record Pair(int r, int p, double iou) {}
        List<Pair> pairs = new ArrayList<>();
        for (int r = 0; r < reference.size(); r++) {
            for (int p = 0; p < predicted.size(); p++) {
                double iou = iou(reference.get(r), predicted.get(p));
                if (iou >= minIou) {
                    pairs.add(new Pair(r, p, iou));
                }
            }
        }
        pairs.sort((x, y) -> Double.compare(y.iou(), x.iou()));
        boolean[] usedR = new boolean[reference.size()];
        boolean[] usedP = new boolean[predicted.size()];
        int matched = 0;
        for (Pair pair : pairs) {
            if (!usedR[pair.r()] && !usedP[pair.p()]) {
                usedR[pair.r()] = true;
                usedP[pair.p()] = true;
                matched++;
            }
        }
        return matched;
    }
}
