package io.llmblender.ranker;

/**
 * One comparison of candidate A with candidate B, as {@code compare} returns it: the logit with the reference's
 * sign for its mode (spec §3.3). Immutable.
 *
 * @param mode how the logit was computed
 * @param logit {@code f(A,B)} for {@code [A,B]}; {@code f(B,A)}, not negated, for {@code [B,A]};
 *     {@code f(A,B) − f(B,A)} for both orders
 */
public record Comparison(CompareMode mode, float logit) {
    /**
     * The reference's boolean, {@code logit > 0} (a tie is false). For {@code [B,A]} it says that <b>B</b> is
     * better, as the Python code's does.
     *
     * @return true if the logit is positive
     */
    public boolean result() {
        return logit > 0;
    }

    /**
     * Whether A is the better answer, whatever the mode (false on a tie).
     *
     * @return true if A beat B
     */
    public boolean aBetter() {
        return mode == CompareMode.B_A ? logit < 0 : logit > 0;
    }

    /**
     * Whether B is the better answer, whatever the mode (false on a tie).
     *
     * @return true if B beat A
     */
    public boolean bBetter() {
        return mode == CompareMode.B_A ? logit > 0 : logit < 0;
    }
}
