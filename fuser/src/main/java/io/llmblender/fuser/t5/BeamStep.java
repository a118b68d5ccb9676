package io.llmblender.fuser.t5;

import java.util.List;
import java.util.Optional;

/**
 * What one beam-search step decided, input by input: the ranked candidates, the ones the scorer walked, the
 * finished hypotheses, the {@code is_done} test and the running beams that continue. It is the genfuser-e2e
 * fixture's per-step {@code trace}, told to a {@link Listener} for tests and debugging.
 *
 * @param step decoder steps done, from 1
 * @param rows one per input, in input order
 * @param stop whether the search ends after this step, and why
 */
public record BeamStep(int step, List<Row> rows, Stop stop) {
    /**
     * Copies the rows.
     *
     * @param step decoder steps done, from 1
     * @param rows one per input, in input order
     * @param stop whether the search ends after this step, and why
     */
    public BeamStep {
        rows = List.copyOf(rows);
    }

    /** Why a search goes on or ends after a step (the fixture's {@code stopped_by}). */
    public enum Stop {
        /** some input is not done and the length limit is not reached */
        CONTINUE,
        /** every input is done: no running beam can beat its finished hypotheses */
        IS_DONE,
        /** the decoder length reached {@code max_new_tokens + 1} */
        MAX_LENGTH
    }

    /**
     * A candidate: the token, the beam of its input it extends (0-based), its cumulative float32 log-probability.
     *
     * @param token the token id
     * @param beam the beam of its input it extends, 0-based
     * @param score the cumulative float32 log-probability
     */
    public record Candidate(long token, int beam, float score) {}

    /**
     * An EOS candidate ranked below {@code num_beams}, offered as a finished hypothesis.
     *
     * @param rank the EOS candidate's rank among the step's candidates
     * @param beam the beam it ends
     * @param sumLogprobs the hypothesis's summed log-probabilities
     * @param generatedLength its length, decoder start included
     * @param score {@code sumLogprobs / generatedLength^length_penalty}
     */
    public record Finished(int rank, int beam, double sumLogprobs, int generatedLength, double score) {}

    /**
     * HF {@code is_done}: the worst kept hypothesis against the best score still attainable at this length.
     *
     * @param worstScore the worst kept hypothesis's score
     * @param bestAttainable the best score a running beam can still reach at this length
     * @param done whether the input is done
     */
    public record DoneCheck(double worstScore, double bestAttainable, boolean done) {
        /**
         * How far the worst kept hypothesis is above the best still attainable score; {@code >= 0} means done.
         *
         * @return {@code worstScore − bestAttainable}
         */
        public double margin() {
            return worstScore - bestAttainable;
        }
    }

    /**
     * One input's step.
     *
     * @param idle the input was done before this step; its beams were fed pad and everything else is empty
     * @param ranked the top {@code 2·num_beams} candidates over its beams × vocabulary, best first
     * @param consumed how many of {@code ranked} the scorer walked before the running beams were filled
     * @param finished the hypotheses this step finished
     * @param doneCheck present once {@code num_beams} hypotheses are kept
     * @param next the running beams after this step
     */
    public record Row(
            boolean idle,
            List<Candidate> ranked,
            int consumed,
            List<Finished> finished,
            Optional<DoneCheck> doneCheck,
            List<Candidate> next) {
        /**
         * Copies the lists.
         *
         * @param idle the input was done before this step
         * @param ranked the top {@code 2·num_beams} candidates, best first
         * @param consumed how many of {@code ranked} the scorer walked
         * @param finished the hypotheses this step finished
         * @param doneCheck present once {@code num_beams} hypotheses are kept
         * @param next the running beams after this step
         */
        public Row {
            ranked = List.copyOf(ranked);
            finished = List.copyOf(finished);
            next = List.copyOf(next);
        }

        static Row idleRow() {
            return new Row(true, List.of(), 0, List.of(), Optional.empty(), List.of());
        }
    }

    /** Told every step of a search, after the step's choices and before the cache is reordered. */
    @FunctionalInterface
    public interface Listener {
        /** Ignores every step. */
        Listener NONE = step -> {};

        /**
         * Called after each step, on the decoding thread.
         *
         * @param step what the step decided
         */
        void step(BeamStep step);
    }
}
