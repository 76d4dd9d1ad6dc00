package io.vlstream.selection;

import java.util.Arrays;

/**
 * A running estimate of one quantile of a score series in constant memory: the P² algorithm (Jain
 * and Chlamtac, 1985), five markers whose heights follow the quantile without keeping the samples.
 * The state is a plain {@code double[]} of {@value #STATE_LENGTH} values so it fits keyed state
 * without a serializer of its own: {@code [count, heights(5), positions(5)]}.
 */
public final class QuantileSketch {

    /** Length of the state array. */
    public static final int STATE_LENGTH = 11;

    private final double p;
    private final double[] increments;

    /**
     * @param p the quantile, in (0, 1)
     */
    public QuantileSketch(double p) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("quantile must be in (0, 1), got " + p);
        }
        this.p = p;
        this.increments = new double[] {0, p / 2, p, (1 + p) / 2, 1};
    }

    public double quantile() {
        return p;
    }

    /** Observations folded into {@code state} (0 for null). */
    public static long count(double[] state) {
        return state == null ? 0 : (long) state[0];
    }

    /** The state after one more observation; {@code state} may be null (nothing seen yet). */
    public double[] add(double[] state, double x) {
        double[] s = state == null ? new double[STATE_LENGTH] : state.clone();
        long n = (long) s[0];
        if (n < 5) {
            s[1 + (int) n] = x;
            s[0] = n + 1;
            if (n + 1 == 5) {
                Arrays.sort(s, 1, 6);
                for (int i = 0; i < 5; i++) {
                    s[6 + i] = i + 1;
                }
            }
            return s;
        }
        double[] q = Arrays.copyOfRange(s, 1, 6);
        double[] pos = Arrays.copyOfRange(s, 6, 11);
        int k;
        if (x < q[0]) {
            q[0] = x;
            k = 0;
        } else if (x >= q[4]) {
            q[4] = x;
            k = 3;
        } else {
            k = 0;
            while (k < 3 && x >= q[k + 1]) {
                k++;
            }
        }
        for (int i = k + 1; i < 5; i++) {
            pos[i]++;
        }
        long count = n + 1;
        for (int i = 1; i <= 3; i++) {
            double desired = 1 + (count - 1) * increments[i];
            double d = desired - pos[i];
            if ((d >= 1 && pos[i + 1] - pos[i] > 1) || (d <= -1 && pos[i - 1] - pos[i] < -1)) {
                int sign = d > 0 ? 1 : -1;
                double candidate = parabolic(q, pos, i, sign);
                if (q[i - 1] < candidate && candidate < q[i + 1]) {
                    q[i] = candidate;
                } else {
                    q[i] = q[i] + sign * (q[i + sign] - q[i]) / (pos[i + sign] - pos[i]);
                }
                pos[i] += sign;
            }
        }
        s[0] = count;
        System.arraycopy(q, 0, s, 1, 5);
        System.arraycopy(pos, 0, s, 6, 5);
        return s;
    }

    /** The current estimate; exact (nearest rank) below five observations, NaN with none. */
    public double estimate(double[] state) {
        long n = count(state);
        if (n == 0) {
            return Double.NaN;
        }
        if (n < 5) {
            double[] sample = Arrays.copyOfRange(state, 1, 1 + (int) n);
            Arrays.sort(sample);
            return sample[(int) Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
        }
        return state[3];
    }

    private static double parabolic(double[] q, double[] n, int i, int d) {
        return q[i]
                + d
                        / (n[i + 1] - n[i - 1])
                        * ((n[i] - n[i - 1] + d) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                                + (n[i + 1] - n[i] - d) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]));
    }
}
