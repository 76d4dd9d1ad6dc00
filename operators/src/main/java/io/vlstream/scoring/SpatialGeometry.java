package io.vlstream.scoring;

import io.vlstream.avro.Box;
import io.vlstream.avro.internal.SpatialRelation;

/**
 * How well two boxes fit a spatial relation, from image-plane geometry only (no depth).
 *
 * <p>NEAR: the gap between the boxes (0 when they touch or overlap), measured in units of the
 * boxes' mean size (larger side); fit 1 at no gap, falling linearly to 0 at one size; holds while
 * the gap is at most half a size. LEFT_OF / RIGHT_OF / ABOVE / BELOW: by box centres, the offset
 * measured in units of the boxes' mean width (or height); fit reaches 1 at half a unit; holds from
 * a tenth of a unit, so side-by-side boxes with the same centre are neither.
 */
public final class SpatialGeometry {

    /** NEAR holds while the gap is at most this many box sizes. */
    public static final double NEAR_MAX_GAP = 0.5;

    /** Directional relations hold from this centre offset, in box sizes. */
    public static final double MIN_OFFSET = 0.1;

    private static final double FULL_OFFSET = 0.5;
    private static final double MIN_SIZE = 1.0;

    private SpatialGeometry() {}

    /** The fit of {@code subject relation object} in [0, 1]. */
    public static double fit(SpatialRelation relation, Box subject, Box object) {
        if (relation == SpatialRelation.NEAR) {
            return clamp(1.0 - gap(subject, object));
        }
        return clamp(offset(relation, subject, object) / FULL_OFFSET);
    }

    /** Whether {@code subject relation object} holds. */
    public static boolean holds(SpatialRelation relation, Box subject, Box object) {
        if (relation == SpatialRelation.NEAR) {
            return gap(subject, object) <= NEAR_MAX_GAP;
        }
        return offset(relation, subject, object) >= MIN_OFFSET;
    }

    /** The gap between two boxes in units of their mean larger side; 0 when they overlap. */
    public static double gap(Box a, Box b) {
        double dx = Math.max(0, Math.max(a.getX1(), b.getX1()) - Math.min(a.getX2(), b.getX2()));
        double dy = Math.max(0, Math.max(a.getY1(), b.getY1()) - Math.min(a.getY2(), b.getY2()));
        double size = Math.max(MIN_SIZE, (side(a) + side(b)) / 2);
        return Math.hypot(dx, dy) / size;
    }

    /** The signed centre offset in the relation's direction, in units of mean box extent. */
    private static double offset(SpatialRelation relation, Box s, Box o) {
        double width = Math.max(MIN_SIZE, (width(s) + width(o)) / 2);
        double height = Math.max(MIN_SIZE, (height(s) + height(o)) / 2);
        double dx = (centreX(o) - centreX(s)) / width;
        double dy = (centreY(o) - centreY(s)) / height;
        return switch (relation) {
            case LEFT_OF -> dx;
            case RIGHT_OF -> -dx;
            // Image y grows downwards: above means a smaller centre y.
            case ABOVE -> dy;
            case BELOW -> -dy;
            case NEAR -> 0;
        };
    }

    private static double side(Box box) {
        return Math.max(width(box), height(box));
    }

    private static double width(Box box) {
        return Math.max(0, box.getX2() - box.getX1());
    }

    private static double height(Box box) {
        return Math.max(0, box.getY2() - box.getY1());
    }

    private static double centreX(Box box) {
        return (box.getX1() + box.getX2()) / 2.0;
    }

    private static double centreY(Box box) {
        return (box.getY1() + box.getY2()) / 2.0;
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }
}
