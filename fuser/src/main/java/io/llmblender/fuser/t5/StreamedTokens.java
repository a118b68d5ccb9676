package io.llmblender.fuser.t5;

/**
 * Told, after each greedy decoder step, the ids so far of every row still generating (decoder start first),
 * for streaming the text as it grows. Implementations must be quick; they run on the decoding thread.
 */
@FunctionalInterface
public interface StreamedTokens {
    /** Ignores every step. */
    StreamedTokens NONE = (row, idsSoFar) -> {};

    /**
     * Called after each step for every row still generating, on the decoding thread.
     *
     * @param row the input's index in the batch
     * @param idsSoFar the row's ids, decoder start first; a copy the listener may keep
     */
    void next(int row, long[] idsSoFar);
}
