package io.vlstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The decode loops without an engine: a next-token table as the model. */
class TokenSearchTest {

    @Test
    void topKMatchesASortWithTiesInIndexOrder() {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            double[] v = new double[1 + random.nextInt(40)];
            for (int i = 0; i < v.length; i++) {
                v[i] = random.nextInt(8); // many ties
            }
            int k = 1 + random.nextInt(6);
            Integer[] sorted = new Integer[v.length];
            for (int i = 0; i < v.length; i++) {
                sorted[i] = i;
            }
            java.util.Arrays.sort(sorted, (a, b) -> Double.compare(v[b], v[a]));
            int[] expected = new int[Math.min(k, v.length)];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = sorted[i];
            }
            assertThat(TokenSearch.topK(v, k)).containsExactly(expected);
        }
    }

    @Test
    void greedyAndBeamOnATable() {
        // Token 0 stops. From 1: 2 (0.6) or 3 (0.4); from 2: anything, flat; from 3: 4 then stop.
        float[][] table = new float[6][6];
        table[1] = new float[] {-9, -9, (float) Math.log(0.6), (float) Math.log(0.4), -9, -9};
        table[2] = new float[] {0, 0, 0, 0, 0, 0};
        table[3] = new float[] {-9, -9, -9, -9, 9, -9};
        table[4] = new float[] {9, -9, -9, -9, -9, -9};
        table[5] = new float[] {9, -9, -9, -9, -9, -9};
        TokenSearch.Step step =
                sequences -> {
                    float[][] out = new float[sequences.length][];
                    for (int r = 0; r < out.length; r++) {
                        out[r] = table[(int) sequences[r][sequences[r].length - 1]];
                    }
                    return out;
                };
        // Greedy takes 2, then the flat row's first maximum, the stop token.
        assertThat(new TokenSearch(1, 5, Set.of(0L), 1f).generate(new long[] {1}, step))
                .containsExactly(2);
        // Beam: "2 <stop>" scores (ln 0.6 + ln 1/6) / 2 = -1.15; "3 4 <stop>" ln 0.4 / 3 = -0.31.
        assertThat(new TokenSearch(2, 5, Set.of(0L), 1f).generate(new long[] {1}, step))
                .containsExactly(3, 4);
        // Cut at two new tokens, beam search returns the best unfinished hypothesis.
        assertThat(new TokenSearch(2, 2, Set.of(5L), 1f).generate(new long[] {1}, step))
                .containsExactly(3, 4);
    }
}
