package io.vlstream.analysis;

import java.awt.image.BufferedImage;
import java.io.Serializable;

/**
 * Decides, before the model, whether a frame is almost identical to the last analyzed frame of its
 * stream, so that frame's analysis can be reused. Frames are compared as {@value #WIDTH}x{@value
 * #HEIGHT} grayscale thumbnails (area averages): the mean absolute difference must be at most
 * {@code maxMeanDiff} <em>and</em> no thumbnail cell may differ by more than {@code maxCellDiff}
 * (both as fractions of the full 0-255 range), so a small object moving in one corner still counts
 * as a change even though it hardly moves the mean. A reused analysis is never older than {@code
 * maxReuseMicros}: slow drifts and objects smaller than a cell are re-checked by the model then.
 */
public final class ChangeGate implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int WIDTH = 32;
    public static final int HEIGHT = 24;

    /** Default mean difference: 0.5 % of the range, about JPEG noise on a static scene. */
    public static final double DEFAULT_MAX_MEAN_DIFF = 0.005;

    /** Default largest cell difference: 3 % of the range (8 grey levels over a 24x24 block). */
    public static final double DEFAULT_MAX_CELL_DIFF = 0.03;

    public static final long DEFAULT_MAX_REUSE_MICROS = 2_000_000L;

    private final boolean enabled;
    private final double maxMeanDiff;
    private final double maxCellDiff;
    private final long maxReuseMicros;

    public ChangeGate(
            boolean enabled, double maxMeanDiff, double maxCellDiff, long maxReuseMicros) {
        if (!(maxMeanDiff >= 0 && maxMeanDiff <= 1) || !(maxCellDiff >= 0 && maxCellDiff <= 1)) {
            throw new IllegalArgumentException(
                    "change-gate differences must be in [0, 1] (fractions of the 0-255 range), got"
                            + " mean "
                            + maxMeanDiff
                            + ", cell "
                            + maxCellDiff);
        }
        if (maxReuseMicros < 0) {
            throw new IllegalArgumentException("max reuse age must be >= 0, got " + maxReuseMicros);
        }
        this.enabled = enabled;
        this.maxMeanDiff = maxMeanDiff;
        this.maxCellDiff = maxCellDiff;
        this.maxReuseMicros = maxReuseMicros;
    }

    /** On, with the conservative defaults. */
    public static ChangeGate defaults() {
        return new ChangeGate(
                true, DEFAULT_MAX_MEAN_DIFF, DEFAULT_MAX_CELL_DIFF, DEFAULT_MAX_REUSE_MICROS);
    }

    /** Never reuses: every frame goes to the model. */
    public static ChangeGate disabled() {
        return new ChangeGate(
                false, DEFAULT_MAX_MEAN_DIFF, DEFAULT_MAX_CELL_DIFF, DEFAULT_MAX_REUSE_MICROS);
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether a frame may reuse the analysis of the last analyzed frame.
     *
     * @param analyzed thumbnail of the last analyzed frame of the stream, or null
     * @param analyzedPtsMicros its pts
     * @param current thumbnail of the frame at hand
     * @param ptsMicros its pts
     */
    public boolean reuse(byte[] analyzed, long analyzedPtsMicros, byte[] current, long ptsMicros) {
        if (!enabled || analyzed == null || current == null || analyzed.length != current.length) {
            return false;
        }
        long age = ptsMicros - analyzedPtsMicros;
        if (age < 0 || age > maxReuseMicros) {
            return false;
        }
        Difference d = difference(analyzed, current);
        return d.mean() <= maxMeanDiff && d.maxCell() <= maxCellDiff;
    }

    /** Mean and largest per-cell absolute difference of two thumbnails, as fractions of 255. */
    public record Difference(double mean, double maxCell) {}

    public static Difference difference(byte[] a, byte[] b) {
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.length; i++) {
            int d = Math.abs((a[i] & 0xff) - (b[i] & 0xff));
            sum += d;
            max = Math.max(max, d);
        }
        return new Difference(sum / (255.0 * a.length), max / 255.0);
    }

    /** A {@value #WIDTH}x{@value #HEIGHT} grayscale thumbnail (area average), row-major. */
    public static byte[] thumbnail(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        long[] sums = new long[WIDTH * HEIGHT];
        int[] counts = new int[WIDTH * HEIGHT];
        for (int y = 0; y < h; y++) {
            int cy = (int) ((long) y * HEIGHT / h);
            for (int x = 0; x < w; x++) {
                int cx = (int) ((long) x * WIDTH / w);
                int p = rgb[y * w + x];
                // ITU-R BT.601 luma, integer weights summing to 1024.
                int luma =
                        (306 * ((p >> 16) & 0xff) + 601 * ((p >> 8) & 0xff) + 117 * (p & 0xff))
                                >> 10;
                sums[cy * WIDTH + cx] += luma;
                counts[cy * WIDTH + cx]++;
            }
        }
        byte[] out = new byte[WIDTH * HEIGHT];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) (counts[i] == 0 ? 0 : Math.round((double) sums[i] / counts[i]));
        }
        return out;
    }
}
