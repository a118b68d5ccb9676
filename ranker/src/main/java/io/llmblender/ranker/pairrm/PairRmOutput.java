package io.llmblender.ranker.pairrm;

import java.util.Arrays;

/**
 * What one PairRM forward pass computed for a batch of pair sequences. Plain Java arrays, detached from native
 * memory; every accessor returns a copy.
 *
 * @param batch the number of pair rows
 * @param nTasks the head's task count (1 for PairRM)
 * @param hiddenSize H, the width of each hidden-state row
 * @param keptColumns the columns of the input that the column trimming kept (spec §1.3 step 1)
 * @param sourcePositions per row, the position of {@code <|source|>} in the trimmed sequence
 * @param cand1Positions per row, the position of {@code <|candidate1|>}
 * @param cand2Positions per row, the position of {@code <|candidate2|>}
 * @param lastHiddenState {@code [batch, length, H]} flattened, or null if the pass did not keep it
 * @param leftScores {@code [batch, nTasks]} flattened: {@code g(source, candidate1)}
 * @param rightScores {@code [batch, nTasks]} flattened: {@code g(source, candidate2)}
 * @param logits {@code f(candidate1, candidate2)} per row
 */
public record PairRmOutput(
        int batch,
        int nTasks,
        int hiddenSize,
        int[] keptColumns,
        int[] sourcePositions,
        int[] cand1Positions,
        int[] cand2Positions,
        float[] lastHiddenState,
        float[] leftScores,
        float[] rightScores,
        float[] logits) {

    /**
     * Copies every array.
     *
     * @param batch the number of pair rows
     * @param nTasks the head's task count (1 for PairRM)
     * @param hiddenSize H, the width of each hidden-state row
     * @param keptColumns the columns of the input that the column trimming kept
     * @param sourcePositions per row, the position of {@code <|source|>} in the trimmed sequence
     * @param cand1Positions per row, the position of {@code <|candidate1|>}
     * @param cand2Positions per row, the position of {@code <|candidate2|>}
     * @param lastHiddenState {@code [batch, length, H]} flattened, or null if the pass did not keep it
     * @param leftScores {@code [batch, nTasks]} flattened: {@code g(source, candidate1)}
     * @param rightScores {@code [batch, nTasks]} flattened: {@code g(source, candidate2)}
     * @param logits {@code f(candidate1, candidate2)} per row
     */
    public PairRmOutput {
        keptColumns = keptColumns.clone();
        sourcePositions = sourcePositions.clone();
        cand1Positions = cand1Positions.clone();
        cand2Positions = cand2Positions.clone();
        lastHiddenState = lastHiddenState == null ? null : lastHiddenState.clone();
        leftScores = leftScores.clone();
        rightScores = rightScores.clone();
        logits = logits.clone();
    }

    /**
     * Length of the encoder input after trimming.
     *
     * @return the number of kept columns
     */
    public int encoderLength() {
        return keptColumns.length;
    }

    /**
     * {@code f(slot 1, slot 2)} per row; {@code > 0} means the slot-1 candidate is preferred.
     *
     * @return one logit per row (a copy)
     */
    @Override
    public float[] logits() {
        return logits.clone();
    }

    /**
     * {@code g(source, candidate1)} of row {@code r}, {@code n_tasks} values.
     *
     * @param r the row
     * @return the row's scores
     */
    public float[] leftScores(int r) {
        return Arrays.copyOfRange(leftScores, r * nTasks, (r + 1) * nTasks);
    }

    /**
     * {@code g(source, candidate2)} of row {@code r}.
     *
     * @param r the row
     * @return the row's scores
     */
    public float[] rightScores(int r) {
        return Arrays.copyOfRange(rightScores, r * nTasks, (r + 1) * nTasks);
    }

    /**
     * The encoder's last hidden state at row {@code r}, trimmed position {@code p}; only if the pass was asked
     * to keep hidden states.
     *
     * @param r the row
     * @param p the position in the trimmed sequence
     * @return the H values of that hidden state
     */
    public float[] hiddenState(int r, int p) {
        if (lastHiddenState == null) {
            throw new IllegalStateException("hidden states were not kept; call forward(..., true)");
        }
        int at = (r * encoderLength() + p) * hiddenSize;
        return Arrays.copyOfRange(lastHiddenState, at, at + hiddenSize);
    }

    /**
     * The columns of the input that the column trimming kept.
     *
     * @return a copy
     */
    @Override
    public int[] keptColumns() {
        return keptColumns.clone();
    }

    /**
     * Per row, the position of {@code <|source|>} in the trimmed sequence.
     *
     * @return a copy
     */
    @Override
    public int[] sourcePositions() {
        return sourcePositions.clone();
    }

    /**
     * Per row, the position of {@code <|candidate1|>} in the trimmed sequence.
     *
     * @return a copy
     */
    @Override
    public int[] cand1Positions() {
        return cand1Positions.clone();
    }

    /**
     * Per row, the position of {@code <|candidate2|>} in the trimmed sequence.
     *
     * @return a copy
     */
    @Override
    public int[] cand2Positions() {
        return cand2Positions.clone();
    }

    /**
     * The encoder's last hidden state, {@code [batch, length, H]} flattened.
     *
     * @return a copy, or null if the pass did not keep it
     */
    @Override
    public float[] lastHiddenState() {
        return lastHiddenState == null ? null : lastHiddenState.clone();
    }

    /**
     * Every row's {@code g(source, candidate1)}, {@code [batch, nTasks]} flattened.
     *
     * @return a copy
     */
    @Override
    public float[] leftScores() {
        return leftScores.clone();
    }

    /**
     * Every row's {@code g(source, candidate2)}, {@code [batch, nTasks]} flattened.
     *
     * @return a copy
     */
    @Override
    public float[] rightScores() {
        return rightScores.clone();
    }
}
