package io.llmblender.fuser.t5;

/**
 * Told after each decoder step how far a decode has come: the steps done and the most there can be. A decode
 * that stops before the maximum (every row finished) says so in its last call, which has {@code step == max},
 * so a progress bar always ends. Implementations must be quick; they run on the decoding thread.
 *
 * <pre>{@code
 * ProgressBar bar = new ProgressBar(err, "Fusing (decoder steps)", false);
 * DecodingProgress progress = bar::update;
 * }</pre>
 */
@FunctionalInterface
public interface DecodingProgress {
    /** Reports nothing. */
    DecodingProgress NONE = (step, max) -> {};

    /**
     * Called after each decoder step, on the decoding thread.
     *
     * @param step decoder steps done, from 1
     * @param max the most steps there will be; the steps done, in the last call
     */
    void step(int step, int max);
}
