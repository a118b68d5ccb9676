package io.llmblender.ranker.select;

import io.llmblender.ranker.Verdict;
import java.util.List;

/**
 * Candidates {@code a} and {@code b} scored in both orders. Parity (spec §3.5): the margin
 * {@code s = f(a, b) − f(b, a)} is one float32 subtraction, so identical rows give an exact 0.
 *
 * @param a one candidate
 * @param b the other
 * @param ab {@code f(a, b)}
 * @param ba {@code f(b, a)}
 */
public record Duel(int a, int b, float ab, float ba) {
    /**
     * {@code f(a, b) − f(b, a)}: {@code > 0} means {@code a} is better.
     *
     * @return the difference of the two ordered logits
     */
    public float s() {
        return ab - ba;
    }

    /**
     * The two ordered verdicts.
     *
     * @return {@code f(a, b)} and {@code f(b, a)}
     */
    public List<Verdict> verdicts() {
        return List.of(new Verdict(a, b, ab), new Verdict(b, a, ba));
    }

    /**
     * Who goes on: for best-of-n {@code a} iff {@code s > 0}; for worst-of-n {@code a} iff {@code s < 0}. A tie
     * carries {@code b} in both modes, as the reference's bubble does.
     *
     * @param best true for best-of-n, false for worst-of-n
     * @return the candidate that goes on
     */
    public int survivor(boolean best) {
        return (best ? s() > 0 : s() < 0) ? a : b;
    }

    /**
     * The other one.
     *
     * @param best true for best-of-n, false for worst-of-n
     * @return the candidate that drops out
     */
    public int eliminated(boolean best) {
        return survivor(best) == a ? b : a;
    }
}
