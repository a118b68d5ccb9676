package io.llmblender.fuser.t5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Beam search with Hugging Face semantics (transformers v4.36–v4.49 {@code _beam_search} + {@code BeamSearchScorer}
 * + {@code BeamHypotheses}; genfuser-e2e README, "Beam-search subtleties"):
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
 * Not thread-safe; one search per instance.
 */
public final class BeamSearch {
    /** Search parameters; defaults are GenFuser's (num_beams 4, one sequence, length_penalty 1, no early stop). */
    public record Options(
            int numBeams, int numReturnSequences, double lengthPenalty, boolean earlyStopping, int maxNewTokens) {
        public Options {
            if (numBeams < 1 || numReturnSequences < 1 || numReturnSequences > numBeams || maxNewTokens < 1) {
                throw new IllegalArgumentException(
                        "need num_beams >= num_return_sequences >= 1 and max_new_tokens >= 1;" + " got " + numBeams
                                + ", " + numReturnSequences + ", " + maxNewTokens);
            }
        }

        public static Options genFuser(int maxNewTokens) {
            return new Options(4, 1, 1.0, false, maxNewTokens);
        }
    }

    /** One finished sequence: ids (start token first, EOS last if it fits) and HF's {@code sequences_scores}. */
    public record Sequence(long[] ids, double score) {
        public Sequence {
            ids = ids.clone();
        }

        @Override
        public long[] ids() {
            return ids.clone();
        }
    }

    /** Observes decoding progress: the step just done and the maximum. */
    @FunctionalInterface
    public interface StepListener {
        StepListener NONE = (step, max) -> {};

        void step(int step, int max);
    }

    private record Hypothesis(double score, long[] tokens, long order) {}

    /** HF's {@code BeamHypotheses}: at most n, a newcomer must beat the worst strictly. */
    private static final class Hypotheses {
        final List<Hypothesis> beams = new ArrayList<>();
        final int n;
        final double lengthPenalty;
        double worst = 1e9;
        long added;

        Hypotheses(int n, double lengthPenalty) {
            this.n = n;
            this.lengthPenalty = lengthPenalty;
        }

        void add(long[] tokens, double sumLogprobs, int generatedLength) {
            double score = sumLogprobs / Math.pow(generatedLength, lengthPenalty);
            if (beams.size() < n || score > worst) {
                beams.add(new Hypothesis(score, tokens, added++));
                if (beams.size() > n) {
                    List<Hypothesis> sorted = new ArrayList<>(beams);
                    sorted.sort(Comparator.comparingDouble(Hypothesis::score).thenComparingLong(Hypothesis::order));
                    beams.remove(sorted.get(0));
                    worst = sorted.get(1).score();
                } else {
                    worst = Math.min(score, worst);
                }
            }
        }

        boolean isDone(double bestSumLogprobs, int length, boolean earlyStopping) {
            if (beams.size() < n) {
                return false;
            }
            if (earlyStopping) {
                return true;
            }
            return worst >= bestSumLogprobs / Math.pow(length, lengthPenalty);
        }
    }

    private final T5Model model;
    private final Options options;

    public BeamSearch(T5Model model, Options options) {
        this.model = model;
        this.options = options;
    }

    /** Best {@code numReturnSequences} sequences per input row, best first. */
    public List<List<Sequence>> search(long[][] inputIds, long[][] attentionMask, StepListener listener) {
        T5Config c = model.config();
        int batch = inputIds.length;
        int k = options.numBeams();
        int rows = batch * k;
        int vocab = c.vocabSize();
        int maxLength = options.maxNewTokens() + 1; // decoder length including the start token
        float[] beamScores = new float[rows];
        long[][] sequences = new long[rows][];
        for (int r = 0; r < rows; r++) {
            beamScores[r] = r % k == 0 ? 0f : -1e9f;
            sequences[r] = new long[] {c.decoderStartTokenId()};
        }
        List<Hypotheses> hyps = new ArrayList<>();
        boolean[] done = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            hyps.add(new Hypotheses(k, options.lengthPenalty()));
        }
        try (T5Model.Decoder decoder = model.decoder(inputIds, attentionMask, k)) {
            int length = 1;
            while (true) {
                long[] last = new long[rows];
                for (int r = 0; r < rows; r++) {
                    last[r] = sequences[r][sequences[r].length - 1];
                }
                float[][] logits = decoder.step(last);
                float[] nextBeamScores = new float[rows];
                long[] nextTokens = new long[rows];
                int[] nextSources = new int[rows];
                for (int b = 0; b < batch; b++) {
                    if (done[b]) { // finished rows idle on pad with score 0
                        for (int j = 0; j < k; j++) {
                            nextTokens[b * k + j] = c.padTokenId();
                            nextSources[b * k + j] = b * k + j;
                        }
                        continue;
                    }
                    // top 2k of (log_softmax + beam score) over this row's beams × vocabulary, best first
                    float[][] scores = new float[k][];
                    for (int j = 0; j < k; j++) {
                        scores[j] = logSoftmaxPlus(logits[b * k + j], beamScores[b * k + j]);
                    }
                    int[] top = topK(scores, 2 * k, vocab);
                    int slot = 0;
                    for (int rank = 0; rank < top.length && slot < k; rank++) {
                        int beam = top[rank] / vocab;
                        int token = top[rank] % vocab;
                        float score = scores[beam][token];
                        int source = b * k + beam;
                        if (token == c.eosTokenId()) {
                            if (rank < k) {
                                hyps.get(b).add(sequences[source], score, length);
                            }
                        } else {
                            nextBeamScores[b * k + slot] = score;
                            nextTokens[b * k + slot] = token;
                            nextSources[b * k + slot] = source;
                            slot++;
                        }
                    }
                    float best = scores[top[0] / vocab][top[0] % vocab];
                    done[b] = hyps.get(b).isDone(best, length, options.earlyStopping());
                }
                long[][] next = new long[rows][];
                for (int r = 0; r < rows; r++) {
                    next[r] = Arrays.copyOf(sequences[nextSources[r]], sequences[nextSources[r]].length + 1);
                    next[r][next[r].length - 1] = nextTokens[r];
                }
                sequences = next;
                beamScores = nextBeamScores;
                decoder.reorder(nextSources);
                length++;
                listener.step(length - 1, options.maxNewTokens());
                boolean allDone = true;
                for (boolean d : done) {
                    allDone &= d;
                }
                if (allDone || length >= maxLength) {
                    break;
                }
            }
        }
        // finalize: unfinished rows add their running beams, divided by the generated length
        List<List<Sequence>> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            if (!done[b]) {
                for (int j = 0; j < k; j++) {
                    long[] seq = sequences[b * k + j];
                    hyps.get(b).add(seq, beamScores[b * k + j], seq.length - 1);
                }
            }
            List<Hypothesis> sorted = new ArrayList<>(hyps.get(b).beams);
            sorted.sort(Comparator.comparingDouble(Hypothesis::score).thenComparingLong(Hypothesis::order));
            List<Sequence> best = new ArrayList<>();
            for (int i = 0; i < options.numReturnSequences(); i++) {
                Hypothesis h = sorted.get(sorted.size() - 1 - i); // the highest; among equals the later added
                long[] ids = h.tokens();
                if (ids.length < maxLength) {
                    ids = Arrays.copyOf(ids, ids.length + 1);
                    ids[ids.length - 1] = c.eosTokenId();
                }
                best.add(new Sequence(ids, h.score()));
            }
            out.add(best);
        }
        return out;
    }

    /** log_softmax over the vocabulary in float32 (max-shifted, as torch), plus the beam's score. */
    private static float[] logSoftmaxPlus(float[] logits, float beamScore) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        float logSum = (float) Math.log(sum);
        float[] out = new float[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = ((logits[i] - max) - logSum) + beamScore;
        }
        return out;
    }

    /** Flat indices (beam·vocab + token) of the n highest scores, best first; ties by lower index. */
    private static int[] topK(float[][] scores, int n, int vocab) {
        int total = scores.length * vocab;
        int[] best = new int[Math.min(n, total)];
        float[] bestScore = new float[best.length];
        Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
        Arrays.fill(best, -1);
        for (int i = 0; i < total; i++) {
            float s = scores[i / vocab][i % vocab];
            if (best[best.length - 1] >= 0 && s <= bestScore[best.length - 1]) {
                continue;
            }
            int at = best.length - 1;
            while (at > 0 && (best[at - 1] < 0 || s > bestScore[at - 1])) {
                best[at] = best[at - 1];
                bestScore[at] = bestScore[at - 1];
                at--;
            }
            best[at] = i;
            bestScore[at] = s;
        }
        return best;
    }
}
