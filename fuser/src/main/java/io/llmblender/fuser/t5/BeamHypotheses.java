package io.llmblender.fuser.t5;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The finished sequences of one input (HF {@code BeamHypotheses}, transformers v4.36–v4.49): at most
 * {@code num_beams}, each scored {@code sum_logprobs / generated_len^length_penalty}; a newcomer must beat the
 * worst kept one strictly. Not thread-safe.
 */
final class BeamHypotheses {
    /** {@code order} breaks ties: among equal scores, the earlier added is dropped first and chosen last. */
    record Hypothesis(double score, double sumLogprobs, long[] tokens, long order) {}

    private final List<Hypothesis> beams = new ArrayList<>();
    private final int numBeams;
    private final double lengthPenalty;
    private double worst = 1e9;
    private long added;

    BeamHypotheses(int numBeams, double lengthPenalty) {
        this.numBeams = numBeams;
        this.lengthPenalty = lengthPenalty;
    }

    /** The length-normalised score HF compares and keeps. */
    double normalise(double sumLogprobs, int length) {
        return sumLogprobs / Math.pow(length, lengthPenalty);
    }

    void add(long[] tokens, double sumLogprobs, int generatedLength) {
        double score = normalise(sumLogprobs, generatedLength);
        if (beams.size() < numBeams || score > worst) {
            beams.add(new Hypothesis(score, sumLogprobs, tokens, added++));
            if (beams.size() > numBeams) {
                List<Hypothesis> sorted = new ArrayList<>(beams);
                sorted.sort(byScore());
                beams.remove(sorted.get(0));
                worst = sorted.get(1).score();
            } else {
                worst = Math.min(score, worst);
            }
        }
    }

    /** Whether {@code num_beams} hypotheses are kept, the condition for {@link #isDone} to be asked. */
    boolean full() {
        return beams.size() >= numBeams;
    }

    double worst() {
        return worst;
    }

    /**
     * HF {@code is_done}: full, and either early stopping or no running beam can still beat the worst kept
     * (its best score, normalised at the current length, is not above it; a tie counts as done).
     */
    boolean isDone(double bestSumLogprobs, int length, boolean earlyStopping) {
        if (!full()) {
            return false;
        }
        if (earlyStopping) {
            return true;
        }
        return worst >= normalise(bestSumLogprobs, length);
    }

    /** Best first; among equal scores the later added first, as HF's {@code sorted(...)[-1]} picks. */
    List<Hypothesis> bestFirst() {
        List<Hypothesis> sorted = new ArrayList<>(beams);
        sorted.sort(byScore().reversed());
        return sorted;
    }

    private static Comparator<Hypothesis> byScore() {
        return Comparator.comparingDouble(Hypothesis::score).thenComparingLong(Hypothesis::order);
    }
}
