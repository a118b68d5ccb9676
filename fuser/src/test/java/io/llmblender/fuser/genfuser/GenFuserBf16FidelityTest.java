package io.llmblender.fuser.genfuser;

import static io.llmblender.fuser.Fixtures.longs;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.fuser.Fixtures;
import io.llmblender.fuser.t5.BeamSearch;
import io.llmblender.fuser.t5.BeamStep;
import io.llmblender.fuser.t5.DecodingProgress;
import io.llmblender.fuser.t5.GreedySearch;
import io.llmblender.fuser.t5.T5Model;
import io.llmblender.runtime.kernel.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * GenFuser in bf16 against fp32 on every single-input case of {@code genfuser-e2e} ({@code -Dgenfuser.e2e}):
 * how many greedy and 4-beam outputs are token-identical, and how far the beam scores move (printed). Where an
 * output differs, the first step at which the two decodes part must be one that fp32 itself decided by less than
 * the bf16 error measured at that step: a choice between two candidates can only turn when their fp32 margin is
 * at most the sum of their two errors, {@code 2·ε}, ε being the largest |bf16 − fp32| over that step's candidates.
 * Any other divergence would be a bug in the bf16 path, not rounding. The fp32 parity tests are untouched; here
 * bf16 runs emulated where the CPU has no bf16 units (the tests set {@code -Dblender.bf16.emulate=true}).
 *
 * <p>The batch case is left out: its rows are the single cases' inputs, padded, and decide the same way.
 */
class GenFuserBf16FidelityTest {
    static final int BEAMS = 4;

    static JsonNode cases;
    static T5Model fp32;
    static T5Model bf16;

    @BeforeAll
    static void load() {
        Path folder = Fixtures.folder("genfuser.e2e", "fixtures/genfuser-e2e");
        cases = Fixtures.cases(folder);
        fp32 = T5Model.load(folder.resolve("config.json"), folder.resolve("model.safetensors"), Precision.FP32);
        bf16 = T5Model.load(folder.resolve("config.json"), folder.resolve("model.safetensors"), Precision.BF16);
    }

    @AfterAll
    static void close() {
        fp32.close();
        bf16.close();
    }

    static List<JsonNode> singleCases() {
        List<JsonNode> out = new ArrayList<>();
        cases.get("cases").forEach(c -> {
            if (!c.has("rows")) {
                out.add(c);
            }
        });
        return out;
    }

    @Test
    void both_models_really_run_in_their_precision() {
        assertThat(fp32.precision()).isEqualTo(Precision.FP32);
        assertThat(bf16.precision()).isEqualTo(Precision.BF16);
    }

    @Test
    void greedy_outputs_that_differ_part_at_a_step_fp32_decided_within_the_bf16_error() {
        int identical = 0;
        double maxError = 0;
        List<JsonNode> all = singleCases();
        for (JsonNode c : all) {
            long[][] in = {longs(c.get("input_ids"))};
            long[][] mask = ones(in);
            int maxNew = c.get("max_new_tokens").asInt();
            long[] a = new GreedySearch(fp32, maxNew, true).search(in, mask).ids()[0];
            long[] b = new GreedySearch(bf16, maxNew, true).search(in, mask).ids()[0];
            // the error over fp32's own output, teacher-forced through both models
            float[][] l32 = teacherForced(fp32, in, mask, new long[][] {Arrays.copyOf(a, a.length - 1)});
            float[][] l16 = teacherForced(bf16, in, mask, new long[][] {Arrays.copyOf(a, a.length - 1)});
            for (int t = 0; t < l32.length; t++) {
                maxError = Math.max(maxError, maxAbsDiff(l32[t], l16[t]));
            }
            int part = Arrays.mismatch(a, b);
            if (part < 0) {
                identical++;
                continue;
            }
            // position part−1 chose token part; both decodes fed the same tokens up to there
            float[] chosen32 = l32[part - 1];
            double eps = maxAbsDiff(chosen32, l16[part - 1]);
            double margin = topTwoMargin(chosen32);
            System.out.printf(
                    "bf16 greedy %-28s parts at step %d: fp32 top-two margin %.2e, bf16 error %.2e%n",
                    c.get("name").asText(), part, margin, eps);
            assertThat(margin)
                    .as("%s: greedy output parts at step %d", c.get("name").asText(), part)
                    .isLessThanOrEqualTo(2 * eps);
        }
        System.out.printf(
                "bf16 greedy: %d of %d outputs token-identical to fp32; max |Δlogit| along fp32's outputs %.2e%n",
                identical, all.size(), maxError);
        assertThat(maxError).as("bf16 must really be a different path").isPositive();
    }

    @Test
    void beam_outputs_that_differ_part_at_a_step_fp32_decided_within_the_bf16_error() {
        int identical = 0;
        double maxScoreDelta = 0;
        List<JsonNode> all = singleCases();
        for (JsonNode c : all) {
            long[][] in = {longs(c.get("input_ids"))};
            long[][] mask = ones(in);
            BeamSearch.Options options = new BeamSearch.Options(
                    BEAMS, 1, 1.0, false, c.get("max_new_tokens").asInt());
            List<BeamStep> trace32 = new ArrayList<>();
            List<BeamStep> trace16 = new ArrayList<>();
            BeamSearch.Sequence a = new BeamSearch(fp32, options)
                    .search(in, mask, DecodingProgress.NONE, trace32::add)
                    .get(0)
                    .get(0);
            BeamSearch.Sequence b = new BeamSearch(bf16, options)
                    .search(in, mask, DecodingProgress.NONE, trace16::add)
                    .get(0)
                    .get(0);
            maxScoreDelta = Math.max(maxScoreDelta, Math.abs(a.score() - b.score()));
            if (Arrays.equals(a.ids(), b.ids())) {
                identical++;
                continue;
            }
            int step = firstDifferentStep(trace32, trace16);
            Divergence d = divergence(in, mask, trace32, trace16, step);
            System.out.printf(
                    "bf16 beam %-28s parts at step %d: fp32 margin %.2e, bf16 error %.2e%n",
                    c.get("name").asText(), step, d.margin(), d.error());
            assertThat(d.margin())
                    .as("%s: beam search parts at step %d", c.get("name").asText(), step)
                    .isLessThanOrEqualTo(2 * d.error());
        }
        System.out.printf(
                "bf16 beam: %d of %d outputs token-identical to fp32; max |Δ sequence score| %.2e%n",
                identical, all.size(), maxScoreDelta);
    }

    /** The 1-based step at which two traces of one input first decide differently. */
    static int firstDifferentStep(List<BeamStep> a, List<BeamStep> b) {
        for (int s = 0; s < Math.min(a.size(), b.size()); s++) {
            BeamStep.Row x = a.get(s).rows().get(0);
            BeamStep.Row y = b.get(s).rows().get(0);
            if (!identities(x.ranked()).equals(identities(y.ranked()))
                    || !identities(x.next()).equals(identities(y.next()))
                    || x.consumed() != y.consumed()
                    || x.finished().size() != y.finished().size()
                    || !Objects.equals(
                            x.doneCheck().map(BeamStep.DoneCheck::done),
                            y.doneCheck().map(BeamStep.DoneCheck::done))
                    || a.get(s).stop() != b.get(s).stop()) {
                return s + 1;
            }
        }
        throw new AssertionError("the outputs differ but the traces agree on every step both ran");
    }

    static List<List<Long>> identities(List<BeamStep.Candidate> candidates) {
        return candidates.stream().map(c -> List.of(c.token(), (long) c.beam())).toList();
    }

    /**
     * fp32's margin at a step (the smallest gap between neighbours among its top {@code 2·beams + 1} candidates,
     * and the margin of its done check) and the bf16 error there (the largest |Δ| of a candidate's score).
     */
    record Divergence(double margin, double error) {}

    /**
     * Recomputes step {@code step} of both searches independently of the scorer: the running beams before it are
     * rebuilt from fp32's trace (both traces agree up to there), each beam's last logits come from a
     * teacher-forced pass, and a candidate's score is log_softmax plus its beam's score in that precision.
     */
    static Divergence divergence(long[][] in, long[][] mask, List<BeamStep> t32, List<BeamStep> t16, int step) {
        long[][] beams = new long[BEAMS][];
        Arrays.fill(beams, new long[] {fp32.config().decoderStartTokenId()});
        double[] cum32 = new double[BEAMS];
        double[] cum16 = new double[BEAMS];
        Arrays.fill(cum32, 1, BEAMS, Double.NEGATIVE_INFINITY); // the first step expands beam 0 only
        Arrays.fill(cum16, 1, BEAMS, Double.NEGATIVE_INFINITY);
        for (int s = 0; s < step - 1; s++) {
            List<BeamStep.Candidate> next32 = t32.get(s).rows().get(0).next();
            List<BeamStep.Candidate> next16 = t16.get(s).rows().get(0).next();
            long[][] grown = new long[BEAMS][];
            for (int j = 0; j < BEAMS; j++) {
                long[] source = beams[next32.get(j).beam()];
                grown[j] = Arrays.copyOf(source, source.length + 1);
                grown[j][source.length] = next32.get(j).token();
                cum32[j] = next32.get(j).score();
                cum16[j] = next16.get(j).score();
            }
            beams = grown;
        }
        long[][] repeated = new long[BEAMS][];
        long[][] repeatedMask = new long[BEAMS][];
        Arrays.fill(repeated, in[0]);
        Arrays.fill(repeatedMask, mask[0]);
        float[][] last32 = lastLogits(teacherForced(fp32, repeated, repeatedMask, beams), beams);
        float[][] last16 = lastLogits(teacherForced(bf16, repeated, repeatedMask, beams), beams);
        List<Double> scores = new ArrayList<>();
        double error = 0;
        for (int j = 0; j < BEAMS; j++) {
            if (cum32[j] == Double.NEGATIVE_INFINITY) {
                continue;
            }
            double[] s32 = logSoftmax(last32[j]);
            double[] s16 = logSoftmax(last16[j]);
            for (int v = 0; v < s32.length; v++) {
                scores.add(s32[v] + cum32[j]);
                error = Math.max(error, Math.abs((s16[v] + cum16[j]) - (s32[v] + cum32[j])));
            }
        }
        scores.sort((x, y) -> Double.compare(y, x));
        double margin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 2 * BEAMS; i++) {
            margin = Math.min(margin, scores.get(i) - scores.get(i + 1));
        }
        var check = t32.get(step - 1).rows().get(0).doneCheck();
        if (check.isPresent()) {
            margin = Math.min(margin, Math.abs(check.get().margin()));
        }
        return new Divergence(margin, error);
    }

    /** Logits {@code [rows·t][vocab]} of a teacher-forced pass over {@code decoderIds} (each row t long). */
    static float[][] teacherForced(T5Model model, long[][] in, long[][] mask, long[][] decoderIds) {
        float[] flat = model.forward(in, mask, decoderIds, null).logits();
        int vocab = model.config().vocabSize();
        float[][] out = new float[flat.length / vocab][];
        for (int i = 0; i < out.length; i++) {
            out[i] = Arrays.copyOfRange(flat, i * vocab, (i + 1) * vocab);
        }
        return out;
    }

    /** Each row's logits at its last position. */
    static float[][] lastLogits(float[][] positions, long[][] rows) {
        int t = rows[0].length;
        float[][] out = new float[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = positions[r * t + t - 1];
        }
        return out;
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        double log = Math.log(sum) + max;
        double[] out = new double[logits.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }

    static double topTwoMargin(float[] logits) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    static long[][] ones(long[][] ids) {
        long[][] mask = new long[ids.length][];
        for (int r = 0; r < ids.length; r++) {
            mask[r] = new long[ids[r].length];
            Arrays.fill(mask[r], 1L);
        }
        return mask;
    }
}
