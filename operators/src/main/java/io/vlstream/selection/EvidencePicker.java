package io.vlstream.selection;

import io.vlstream.avro.Box;
import io.vlstream.avro.Detection;
import io.vlstream.avro.internal.ScoredFrame;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Keeps a moment's evidence frames as they stream by: best scores first, spread in time, no
 * near-duplicates, and never more frames in memory than the budget.
 *
 * <p>Each new candidate is judged together with the frames already kept (at most budget + 1
 * frames), with the same rule an offline picker would apply to all frames:
 *
 * <ol>
 *   <li>of two near-duplicates only the higher score stays (the earlier one on a tie);
 *   <li>in score order, take frames at least {@code minEvidenceSpacingMicros} from every frame
 *       already taken, until the budget is full;
 *   <li>if the budget is not full, fill it with the best remaining frames regardless of spacing.
 * </ol>
 *
 * Whatever is not kept is forgotten, so on long moments the result can differ from an offline pick
 * over every frame; the best frame seen is always kept.
 */
public final class EvidencePicker implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Higher score first; on equal scores the earlier frame wins, so results are repeatable. */
    private static final Comparator<ScoredFrame> BEST_FIRST =
            Comparator.comparingDouble((ScoredFrame f) -> f.getScore())
                    .reversed()
                    .thenComparingLong(ScoredFrame::getPtsMicros)
                    .thenComparingLong(ScoredFrame::getSequence);

    private static final Comparator<ScoredFrame> PTS_ORDER =
            Comparator.comparingLong(ScoredFrame::getPtsMicros)
                    .thenComparingLong(ScoredFrame::getSequence);

    private final long minSpacingMicros;
    private final double nearDuplicateIou;

    public EvidencePicker(SelectionPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        this.minSpacingMicros = policy.minEvidenceSpacingMicros();
        this.nearDuplicateIou = policy.nearDuplicateIou();
    }

    /**
     * The evidence after considering one more frame.
     *
     * @param kept the current evidence (pts order, no two near-duplicates); not modified
     * @param candidate a frame of the moment
     * @param budget the most frames to keep; values below 1 are taken as 1, so a moment always
     *     keeps its best frame
     * @return a new list in pts order with at most {@code max(budget, 1)} frames
     */
    public List<ScoredFrame> offer(List<ScoredFrame> kept, ScoredFrame candidate, int budget) {
        Objects.requireNonNull(candidate, "candidate");
        int limit = Math.max(1, budget);

        List<ScoredFrame> pool = new ArrayList<>(kept.size() + 1);
        for (ScoredFrame frame : kept) {
            if (isNearDuplicate(frame, candidate)) {
                if (BEST_FIRST.compare(frame, candidate) < 0) {
                    // A better near-duplicate is kept already: the candidate changes nothing.
                    return select(new ArrayList<>(kept), limit);
                }
                // Otherwise the candidate replaces this frame.
            } else {
                pool.add(frame);
            }
        }
        pool.add(candidate);
        return select(pool, limit);
    }

    /** Picks at most {@code limit} frames of a near-duplicate-free pool, in pts order. */
    private List<ScoredFrame> select(List<ScoredFrame> pool, int limit) {
        if (pool.size() <= limit) {
            pool.sort(PTS_ORDER);
            return pool;
        }
        List<ScoredFrame> byScore = new ArrayList<>(pool);
        byScore.sort(BEST_FIRST);
        List<ScoredFrame> chosen = new ArrayList<>(limit);
        List<ScoredFrame> tooClose = new ArrayList<>();
        for (ScoredFrame frame : byScore) {
            if (chosen.size() == limit) {
                break;
            }
            if (farFromAll(frame, chosen)) {
                chosen.add(frame);
            } else {
                tooClose.add(frame);
            }
        }
        for (int i = 0; i < tooClose.size() && chosen.size() < limit; i++) {
            chosen.add(tooClose.get(i));
        }
        chosen.sort(PTS_ORDER);
        return chosen;
    }

    private boolean farFromAll(ScoredFrame frame, List<ScoredFrame> others) {
        for (ScoredFrame other : others) {
            if (tooClose(frame, other)) {
                return false;
            }
        }
        return true;
    }

    private boolean tooClose(ScoredFrame a, ScoredFrame b) {
        return Math.abs(a.getPtsMicros() - b.getPtsMicros()) < minSpacingMicros;
    }

    /**
     * Whether two frames show the same thing: the same number of detections, paired one-to-one with
     * equal labels and box IoU at or above the policy's {@code nearDuplicateIou}. Frames without
     * detections are never near-duplicates: there is nothing to compare them by, and dropping them
     * could lose a real, different frame.
     */
    public boolean isNearDuplicate(ScoredFrame a, ScoredFrame b) {
        List<Detection> da = a.getDetections();
        List<Detection> db = b.getDetections();
        if (da == null || db == null || da.isEmpty() || da.size() != db.size()) {
            return false;
        }
        boolean[] used = new boolean[db.size()];
        for (Detection d : da) {
            // Greedy best-IoU pairing; at IoU thresholds near 1 a box has at most one close match.
            int best = -1;
            double bestIou = nearDuplicateIou;
            for (int j = 0; j < db.size(); j++) {
                if (used[j] || !Objects.equals(d.getLabel(), db.get(j).getLabel())) {
                    continue;
                }
                double iou = iou(d.getBox(), db.get(j).getBox());
                if (iou >= bestIou) {
                    bestIou = iou;
                    best = j;
                }
            }
            if (best < 0) {
                return false;
            }
            used[best] = true;
        }
        return true;
    }

    /** Intersection over union of two boxes; 0 when either has no area. */
    static double iou(Box a, Box b) {
        double ix = Math.min(a.getX2(), b.getX2()) - Math.max(a.getX1(), b.getX1());
        double iy = Math.min(a.getY2(), b.getY2()) - Math.max(a.getY1(), b.getY1());
        double areaA = area(a);
        double areaB = area(b);
        if (areaA <= 0 || areaB <= 0) {
            return 0.0;
        }
        double inter = ix > 0 && iy > 0 ? ix * iy : 0.0;
        return inter / (areaA + areaB - inter);
    }

    private static double area(Box box) {
        double w = (double) box.getX2() - box.getX1();
        double h = (double) box.getY2() - box.getY1();
        return w > 0 && h > 0 ? w * h : 0.0;
    }
}
