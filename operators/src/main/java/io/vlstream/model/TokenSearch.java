package io.vlstream.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Greedy and beam-search decoding over a next-token function, independent of any engine.
 *
 * @param beamWidth 1 for greedy decoding, more for beam search
 * @param maxNewTokens the most tokens generated after the prompt (a stop token counts)
 * @param stopTokens ids that end a sequence (not part of the result)
 * @param lengthPenalty beam search ranks finished sequences by {@code logprob / length^penalty}
 *     (Hugging Face's convention: 1 neutral per token, above 1 favours longer, 0 none)
 */
public record TokenSearch(
        int beamWidth, int maxNewTokens, Set<Long> stopTokens, float lengthPenalty) {

    /** Next-token logits for each of a batch of equally long sequences. */
    @FunctionalInterface
    public interface Step {
        /**
         * @param sequences the prompt plus the tokens chosen so far, one row per hypothesis
         * @return one row of vocabulary logits per sequence
         */
        float[][] nextLogits(long[][] sequences);
    }

    public TokenSearch {
        if (beamWidth < 1) {
            throw new IllegalArgumentException("beam width must be at least 1, got " + beamWidth);
        }
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException(
                    "max new tokens must be at least 1, got " + maxNewTokens);
        }
        stopTokens = Set.copyOf(stopTokens);
    }

    /** The tokens generated after {@code prompt}, without the stop token. */
    public long[] generate(long[] prompt, Step step) {
        return beamWidth == 1 ? greedy(prompt, step) : beam(prompt, step);
    }

    private long[] greedy(long[] prompt, Step step) {
        long[] seq = prompt.clone();
        for (int n = 0; n < maxNewTokens; n++) {
            float[] logits = step.nextLogits(new long[][] {seq})[0];
            int best = argmax(logits);
            if (stopTokens.contains((long) best)) {
                break;
            }
            seq = append(seq, best);
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }

    private record Hypothesis(long[] seq, double logprob) {}

    private record Finished(long[] generated, double score) {}

    private long[] beam(long[] prompt, Step step) {
        List<Hypothesis> live = List.of(new Hypothesis(prompt.clone(), 0));
        List<Finished> finished = new ArrayList<>();
        for (int n = 0; n < maxNewTokens && !live.isEmpty(); n++) {
            long[][] batch = new long[live.size()][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = live.get(i).seq();
            }
            float[][] logits = step.nextLogits(batch);
            List<Hypothesis> candidates = new ArrayList<>();
            List<Long> candidateTokens = new ArrayList<>();
            for (int b = 0; b < live.size(); b++) {
                double[] logp = logSoftmax(logits[b]);
                // 2 x width candidates per beam: enough that `width` of them do not stop.
                for (int token : topK(logp, 2 * beamWidth)) {
                    candidates.add(
                            new Hypothesis(live.get(b).seq(), live.get(b).logprob() + logp[token]));
                    candidateTokens.add((long) token);
                }
            }
            Integer[] order = new Integer[candidates.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, Comparator.comparingDouble(i -> -candidates.get(i).logprob()));
            List<Hypothesis> next = new ArrayList<>();
            for (int i : order) {
                Hypothesis h = candidates.get(i);
                long token = candidateTokens.get(i);
                int generated = h.seq().length - prompt.length + 1;
                if (stopTokens.contains(token)) {
                    finished.add(
                            new Finished(
                                    Arrays.copyOfRange(h.seq(), prompt.length, h.seq().length),
                                    normalized(h.logprob(), generated)));
                } else {
                    next.add(new Hypothesis(append(h.seq(), token), h.logprob()));
                }
                if (next.size() == beamWidth) {
                    break;
                }
            }
            live = next;
            finished.sort(Comparator.comparingDouble(f -> -f.score()));
            if (finished.size() > beamWidth) {
                finished = new ArrayList<>(finished.subList(0, beamWidth));
            }
            if (finished.size() == beamWidth && !live.isEmpty()) {
                // Hugging Face's default stopping heuristic: the best live beam, scored at its
                // current length, can no longer beat the worst kept finished one.
                Hypothesis best = live.get(0);
                double bestLive = normalized(best.logprob(), best.seq().length - prompt.length);
                if (bestLive <= finished.get(finished.size() - 1).score()) {
                    live = List.of();
                }
            }
        }
        for (Hypothesis h : live) {
            finished.add(
                    new Finished(
                            Arrays.copyOfRange(h.seq(), prompt.length, h.seq().length),
                            normalized(h.logprob(), h.seq().length - prompt.length)));
        }
        return finished.stream()
                .max(Comparator.comparingDouble(Finished::score))
                .map(Finished::generated)
                .orElse(new long[0]);
    }

    private double normalized(double logprob, int length) {
        return logprob / Math.pow(Math.max(1, length), lengthPenalty);
    }

    private static long[] append(long[] seq, long token) {
        long[] out = Arrays.copyOf(seq, seq.length + 1);
        out[seq.length] = token;
        return out;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float x : logits) {
            max = Math.max(max, x);
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp(x - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }

    /** Indices of the {@code k} largest values, largest first; one pass, no boxing. */
    static int[] topK(double[] v, int k) {
        k = Math.min(k, v.length);
        int[] best = new int[k];
        int filled = 0;
        for (int i = 0; i < v.length; i++) {
            if (filled == k && v[i] <= v[best[k - 1]]) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && v[best[at - 1]] < v[i]) {
                best[at] = best[at - 1];
                at--;
            }
            best[at] = i;
        }
        return best;
    }
}
