package io.llmblender.fuser.genfuser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.fuser.t5.BeamStep;
import java.util.List;
import org.assertj.core.data.Offset;

/**
 * Compares a beam search's steps with one input's {@code beam.trace} of the genfuser-e2e fixture (its README,
 * "cases.json"): per step the walked candidates, the EOS hypotheses, the {@code is_done} test, the decision gap
 * and the running beams; a done input's later steps are {@code {"done": true}}.
 */
final class BeamTraces {
    private BeamTraces() {}

    static void assertSame(List<BeamStep> steps, int input, JsonNode trace, double tolerance, String name) {
        Offset<Double> tol = Offset.offset(tolerance);
        assertThat(steps).as("%s: steps", name).hasSize(trace.size());
        for (int i = 0; i < trace.size(); i++) {
            JsonNode e = trace.get(i);
            BeamStep.Row a = steps.get(i).rows().get(input);
            String at = name + " step " + (i + 1);
            if (e.has("done")) {
                assertThat(a.idle()).as("%s: idle", at).isTrue();
                continue;
            }
            assertThat(a.idle()).as("%s: idle", at).isFalse();
            assertThat(a.consumed())
                    .as("%s: n_candidates_consumed", at)
                    .isEqualTo(e.get("n_candidates_consumed").asInt());
            assertCandidates(a.ranked().subList(0, a.consumed()), e.get("candidates"), tol, at + " candidates");
            assertThat(decisionGap(a))
                    .as("%s: decision_gap", at)
                    .isCloseTo(e.get("decision_gap").asDouble(), tol);
            JsonNode hyps = e.get("eos_hyps");
            assertThat(a.finished()).as("%s: eos_hyps", at).hasSize(hyps.size());
            for (int h = 0; h < hyps.size(); h++) {
                BeamStep.Finished f = a.finished().get(h);
                JsonNode x = hyps.get(h);
                assertThat(new int[] {f.rank(), f.beam(), f.generatedLength()})
                        .as("%s: eos_hyps[%d] rank, from_beam, generated_len", at, h)
                        .containsExactly(
                                x.get("rank").asInt(),
                                x.get("from_beam").asInt(),
                                x.get("generated_len").asInt());
                assertThat(f.sumLogprobs())
                        .as("%s: sum_logprobs", at)
                        .isCloseTo(x.get("sum_logprobs").asDouble(), tol);
                assertThat(f.score())
                        .as("%s: score", at)
                        .isCloseTo(x.get("score").asDouble(), tol);
            }
            if (e.has("is_done_check")) {
                JsonNode check = e.get("is_done_check");
                BeamStep.DoneCheck d = a.doneCheck().orElseThrow();
                assertThat(d.worstScore())
                        .as("%s: worst_score", at)
                        .isCloseTo(check.get("worst_score").asDouble(), tol);
                assertThat(d.margin())
                        .as("%s: margin", at)
                        .isCloseTo(check.get("margin").asDouble(), tol);
                assertThat(d.done())
                        .as("%s: done", at)
                        .isEqualTo(check.get("done").asBoolean());
            } else {
                assertThat(a.doneCheck()).as("%s: is_done_check", at).isEmpty();
            }
            assertCandidates(a.next(), e.get("next_beams"), tol, at + " next_beams");
        }
    }

    /** The smallest gap between consecutive walked candidates, or the last walked one and the next ranked. */
    static double decisionGap(BeamStep.Row row) {
        int end = Math.min(row.consumed() + 1, row.ranked().size());
        double gap = Double.POSITIVE_INFINITY;
        for (int i = 1; i < end; i++) {
            gap = Math.min(
                    gap,
                    (double) row.ranked().get(i - 1).score()
                            - row.ranked().get(i).score());
        }
        return gap;
    }

    private static void assertCandidates(
            List<BeamStep.Candidate> actual, JsonNode expected, Offset<Double> tol, String what) {
        assertThat(actual).as(what).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            JsonNode e = expected.get(i); // [token, source beam, cumulative score]
            BeamStep.Candidate c = actual.get(i);
            assertThat(new long[] {c.token(), c.beam()})
                    .as("%s[%d] token, beam", what, i)
                    .containsExactly(e.get(0).asLong(), e.get(1).asLong());
            assertThat((double) c.score())
                    .as("%s[%d] score", what, i)
                    .isCloseTo(e.get(2).asDouble(), tol);
        }
    }
}
