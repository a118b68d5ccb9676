package io.llmblender.fuser.t5;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The choice of the next beams at each step and of the final sequences (HF {@code BeamSearchScorer} with the
 * log-softmax and top-k of {@code _beam_search}, transformers v4.36–v4.49; genfuser-e2e README, "Beam-search
 * subtleties"). Rows are laid out input by input: input b's beams are rows {@code b·k … b·k+k−1}. Not
 * thread-safe; one search per instance.
 */
final class BeamSearchScorer {
    /** The running beams after a step: row r continues old row {@code sources[r]} with {@code tokens[r]}. */
    record Step(float[] scores, long[] tokens, int[] sources, List<BeamStep.Row> trace) {}

    private final BeamSearch.Options options;
    private final int batch;
    private final int k;
    private final int vocab;
    private final long eos;
    private final long pad;
    private final List<BeamHypotheses> hyps = new ArrayList<>();
    private final boolean[] done;

    BeamSearchScorer(BeamSearch.Options options, T5Config c, int batch) {
        this.options = options;
        this.batch = batch;
        this.k = options.numBeams();
        this.vocab = c.vocabSize();
        this.eos = c.eosTokenId();
        this.pad = c.padTokenId();
        this.done = new boolean[batch];
        for (int b = 0; b < batch; b++) {
            hyps.add(new BeamHypotheses(k, options.lengthPenalty()));
        }
    }

    /** Beams start at scores {@code [0, −1e9, …]} per input, so the first step expands beam 0 only. */
    float[] initialScores() {
        float[] scores = new float[batch * k];
        for (int r = 0; r < scores.length; r++) {
            scores[r] = r % k == 0 ? 0f : -1e9f;
        }
        return scores;
    }

    /**
     * One step (HF {@code process}): for each input not yet done, the top {@code 2k} of log_softmax(logits) +
     * beam score over its beams × vocabulary; EOS candidates ranked below {@code k} become finished hypotheses
     * (tokens without the EOS), the others fill the {@code k} running beams in rank order.
     *
     * @param length the decoder length including the start token, before this step's token
     */
    Step process(float[][] logits, float[] beamScores, long[][] sequences, int length) {
        int rows = batch * k;
        float[] nextScores = new float[rows];
        long[] nextTokens = new long[rows];
        int[] nextSources = new int[rows];
        List<BeamStep.Row> trace = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            if (done[b]) { // finished inputs idle on pad with score 0
                for (int j = 0; j < k; j++) {
                    nextTokens[b * k + j] = pad;
                    nextSources[b * k + j] = b * k + j;
                }
                trace.add(BeamStep.Row.idleRow());
                continue;
            }
            // top 2k of (log_softmax + beam score) over this input's beams × vocabulary, best first
            float[][] scores = new float[k][];
            for (int j = 0; j < k; j++) {
                scores[j] = logSoftmaxPlus(logits[b * k + j], beamScores[b * k + j]);
            }
            int[] top = topK(scores, 2 * k);
            List<BeamStep.Candidate> ranked = new ArrayList<>();
            for (int i : top) {
                ranked.add(new BeamStep.Candidate(i % vocab, i / vocab, scores[i / vocab][i % vocab]));
            }
            List<BeamStep.Finished> finished = new ArrayList<>();
            List<BeamStep.Candidate> next = new ArrayList<>();
            BeamHypotheses h = hyps.get(b);
            int rank = 0;
            for (; rank < ranked.size() && next.size() < k; rank++) {
                BeamStep.Candidate c = ranked.get(rank);
                int source = b * k + c.beam();
                if (c.token() == eos) {
                    if (rank < k) { // only the first k ranks may finish
                        h.add(sequences[source], c.score(), length);
                        finished.add(new BeamStep.Finished(
                                rank, c.beam(), c.score(), length, h.normalise(c.score(), length)));
                    }
                } else {
                    int slot = b * k + next.size();
                    nextScores[slot] = c.score();
                    nextTokens[slot] = c.token();
                    nextSources[slot] = source;
                    next.add(c);
                }
            }
            // done once no running beam can beat the worst kept hypothesis; the best includes an EOS candidate
            float best = ranked.get(0).score();
            done[b] = h.isDone(best, length, options.earlyStopping());
            Optional<BeamStep.DoneCheck> check = h.full()
                    ? Optional.of(new BeamStep.DoneCheck(h.worst(), h.normalise(best, length), done[b]))
                    : Optional.empty();
            trace.add(new BeamStep.Row(false, ranked, rank, finished, check, next));
        }
        return new Step(nextScores, nextTokens, nextSources, trace);
    }

    boolean allDone() {
        for (boolean d : done) {
            if (!d) {
                return false;
            }
        }
        return true;
    }

    /**
     * The best {@code numReturnSequences} per input, best first (HF {@code finalize}): inputs not done add their
     * running beams, each divided by its generated length (no EOS counted); EOS is appended to a sequence that
     * is shorter than {@code maxLength}.
     */
    List<List<BeamSearch.Sequence>> finalize(long[][] sequences, float[] beamScores, int maxLength) {
        List<List<BeamSearch.Sequence>> out = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            if (!done[b]) {
                for (int j = 0; j < k; j++) {
                    long[] seq = sequences[b * k + j];
                    hyps.get(b).add(seq, beamScores[b * k + j], seq.length - 1);
                }
            }
            List<BeamHypotheses.Hypothesis> sorted = hyps.get(b).bestFirst();
            List<BeamSearch.Sequence> best = new ArrayList<>();
            for (int i = 0; i < options.numReturnSequences(); i++) {
                BeamHypotheses.Hypothesis h = sorted.get(i);
                long[] ids = h.tokens();
                if (ids.length < maxLength) {
                    ids = Arrays.copyOf(ids, ids.length + 1);
                    ids[ids.length - 1] = eos;
                }
                best.add(new BeamSearch.Sequence(ids, h.score(), h.sumLogprobs()));
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
    private int[] topK(float[][] scores, int n) {
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
