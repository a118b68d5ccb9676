package io.llmblender.fuser.t5;

import java.util.Arrays;
import java.util.List;

/**
 * Beam search with Hugging Face semantics (transformers v4.36–v4.49 {@code _beam_search}; the choices of each
 * step are {@link BeamSearchScorer}'s, the finished sequences {@link BeamHypotheses}'):
 * <ul>
 *   <li>beams start at scores {@code [0, −1e9, …]}, so the first step expands beam 0 only;</li>
 *   <li>each step takes {@code log_softmax} of the last logits plus the beam score (float32) and the top
 *       {@code 2·num_beams} over beams × vocabulary;</li>
 *   <li>an EOS candidate ranked below {@code num_beams} becomes a finished hypothesis (tokens without the EOS,
 *       score {@code cum / len^length_penalty} with len the decoder length including the start token); other
 *       candidates fill the running beams;</li>
 *   <li>a row is done once it holds {@code num_beams} hypotheses and, with {@code early_stopping} false, the
 *       worst of them is {@code >=} the step's best score over the same length (a tie counts as done);</li>
 *   <li>at the end, running beams of unfinished rows join as hypotheses divided by their generated length.</li>
 * </ul>
 * Immutable; each {@link #search} brings its own decoder and scorer, so it is thread-safe.
 */
public final class BeamSearch {
    /**
     * Search parameters; defaults are GenFuser's (num_beams 4, one sequence, length_penalty 1, no early stop).
     *
     * @param numBeams beams per input ({@code num_beams})
     * @param numReturnSequences sequences returned per input, at most {@code numBeams}
     * @param lengthPenalty the exponent of the length a finished score is divided by ({@code length_penalty})
     * @param earlyStopping HF's {@code early_stopping}: stop an input once it has {@code numBeams} hypotheses
     * @param maxNewTokens the most tokens generated after the decoder start
     */
    public record Options(
            int numBeams, int numReturnSequences, double lengthPenalty, boolean earlyStopping, int maxNewTokens) {
        /**
         * Refuses fewer than one beam, sequence or new token, and more sequences than beams.
         *
         * @param numBeams beams per input ({@code num_beams})
         * @param numReturnSequences sequences returned per input, at most {@code numBeams}
         * @param lengthPenalty the exponent of the length a finished score is divided by ({@code length_penalty})
         * @param earlyStopping HF's {@code early_stopping}: stop an input once it has {@code numBeams} hypotheses
         * @param maxNewTokens the most tokens generated after the decoder start
         * @throws IllegalArgumentException for a value out of range
         */
        public Options {
            if (numBeams < 1 || numReturnSequences < 1 || numReturnSequences > numBeams || maxNewTokens < 1) {
                throw new IllegalArgumentException(
                        "need num_beams >= num_return_sequences >= 1 and max_new_tokens >= 1;" + " got " + numBeams
                                + ", " + numReturnSequences + ", " + maxNewTokens);
            }
        }

        /**
         * GenFuser's decoding: 4 beams, one sequence, length penalty 1, no early stopping.
         *
         * @param maxNewTokens the most tokens generated (GenFuser: {@code candidate_maxlength}, 128)
         * @return the options
         */
        public static Options genFuser(int maxNewTokens) {
            return new Options(4, 1, 1.0, false, maxNewTokens);
        }
    }

    /**
     * One finished sequence: ids (start token first, EOS last if it fits), HF's {@code sequences_scores} and the
     * sum of its token log-probabilities that the score normalises.
     *
     * @param ids the tokens, decoder start first, EOS last if it fits
     * @param score HF's {@code sequences_scores}: {@code sumLogprobs / length^lengthPenalty}
     * @param sumLogprobs the sum of the tokens' log-probabilities
     */
    public record Sequence(long[] ids, double score, double sumLogprobs) {
        /**
         * Copies the ids.
         *
         * @param ids the tokens, decoder start first, EOS last if it fits
         * @param score HF's {@code sequences_scores}: {@code sumLogprobs / length^lengthPenalty}
         * @param sumLogprobs the sum of the tokens' log-probabilities
         */
        public Sequence {
            ids = ids.clone();
        }

        /**
         * The tokens, decoder start first, EOS last if it fits.
         *
         * @return a copy
         */
        @Override
        public long[] ids() {
            return ids.clone();
        }
    }

    private final T5Model model;
    private final Options options;

    /**
     * A beam search over {@code model} with {@code options}; the model stays the caller's.
     *
     * @param model the T5 model
     * @param options beams, returned sequences, length penalty, early stopping, new tokens
     */
    public BeamSearch(T5Model model, Options options) {
        this.model = model;
        this.options = options;
    }

    /**
     * Best {@code numReturnSequences} sequences per input row, best first.
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @param progress told after each decoder step
     * @return per input row, its best sequences, best first
     */
    public List<List<Sequence>> search(long[][] inputIds, long[][] attentionMask, DecodingProgress progress) {
        return search(inputIds, attentionMask, progress, BeamStep.Listener.NONE);
    }

    /**
     * As {@link #search(long[][], long[][], DecodingProgress)}, telling {@code trace} what each step decided.
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @param progress told after each decoder step
     * @param trace told every step's choices ({@link BeamStep.Listener#NONE} for none)
     * @return per input row, its best sequences, best first
     */
    public List<List<Sequence>> search(
            long[][] inputIds, long[][] attentionMask, DecodingProgress progress, BeamStep.Listener trace) {
        T5Config c = model.config();
        int rows = inputIds.length * options.numBeams();
        int maxLength = options.maxNewTokens() + 1; // decoder length including the start token
        BeamSearchScorer scorer = new BeamSearchScorer(options, c, inputIds.length);
        float[] beamScores = scorer.initialScores();
        long[][] sequences = new long[rows][];
        Arrays.fill(sequences, new long[] {c.decoderStartTokenId()});
        try (T5Model.Decoder decoder = model.decoder(inputIds, attentionMask, options.numBeams(), maxLength)) {
            for (int length = 1; ; ) {
                // the decoder over every beam's last token
                float[][] logits = decoder.step(lastTokens(sequences));
                // the scorer picks the next running beams and collects the finished ones
                BeamSearchScorer.Step next = scorer.process(logits, beamScores, sequences, length);
                sequences = extend(sequences, next);
                beamScores = next.scores();
                length++;
                // stop once every input is done or the decoder length reaches max_new_tokens + 1
                BeamStep.Stop stop = scorer.allDone()
                        ? BeamStep.Stop.IS_DONE
                        : length >= maxLength ? BeamStep.Stop.MAX_LENGTH : BeamStep.Stop.CONTINUE;
                trace.step(new BeamStep(length - 1, next.trace(), stop));
                progress.step(length - 1, stop == BeamStep.Stop.CONTINUE ? options.maxNewTokens() : length - 1);
                if (stop != BeamStep.Stop.CONTINUE) {
                    break;
                }
                // the cache follows the beams: row r continues old row sources[r]
                decoder.reorder(next.sources());
            }
        }
        return scorer.finalize(sequences, beamScores, maxLength);
    }

    private static long[] lastTokens(long[][] sequences) {
        return Arrays.stream(sequences).mapToLong(s -> s[s.length - 1]).toArray();
    }

    /** Row r becomes the old row {@code sources[r]} plus {@code tokens[r]}. */
    private static long[][] extend(long[][] sequences, BeamSearchScorer.Step next) {
        long[][] out = new long[sequences.length][];
        for (int r = 0; r < out.length; r++) {
            long[] source = sequences[next.sources()[r]];
            out[r] = Arrays.copyOf(source, source.length + 1);
            out[r][source.length] = next.tokens()[r];
        }
        return out;
    }
}
