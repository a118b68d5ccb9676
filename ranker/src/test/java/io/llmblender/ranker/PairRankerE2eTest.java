package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.pairrm.PairEncoder;
import io.llmblender.ranker.pairrm.PairEncoder.BudgetRule;
import io.llmblender.ranker.pairrm.PairEncoder.Limits;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmFixture;
import io.llmblender.ranker.select.Aggregation;
import io.llmblender.ranker.select.BubbleSelection;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The whole ranking API, from texts, against what the original LLM-Blender code computed on a complete tiny
 * PairRM-hf folder ({@code -Dpairrm.e2e=<folder>}, default the project's copy of shared/fixtures/pairrm-e2e).
 *
 * <p>Scores, logits and rewards within 5e-6 (the fixture measured 1e-6 between float32 and float64); ids,
 * ranks, orders, winners, eliminations, reference choices and booleans exactly. Each case runs twice: with the
 * reference's batch budget and the case's batch size (against {@code original_batched}), and with this
 * project's default per-example budget (against {@code per_example} where the recipes differ).
 */
class PairRankerE2eTest {
    static final double TOLERANCE = 5e-6;
    static JsonNode cases;
    static PairRanker ranker;

    @BeforeAll
    static void load() throws IOException {
        Path folder = PairRmFixture.folder("pairrm.e2e", "fixtures/pairrm-e2e");
        cases = new ObjectMapper().readTree(folder.resolve("cases.json").toFile());
        ranker = PairRanker.load(folder);
    }

    @AfterAll
    static void close() {
        ranker.close();
    }

    /** The ranker as a case's variant was computed: the reference's batch budget, or the per-example one. */
    static PairRanker configured(JsonNode c, boolean batched) {
        int s = c.path("source_max_length").isNull()
                        || c.path("source_max_length").isMissingNode()
                ? 1224
                : c.get("source_max_length").asInt();
        int cm = c.path("candidate_max_length").isNull()
                        || c.path("candidate_max_length").isMissingNode()
                ? 412
                : c.get("candidate_max_length").asInt();
        return ranker.withOptions(ranker.options()
                .withLimits(new Limits(s, cm))
                .withBudget(
                        batched ? BudgetRule.BATCH : BudgetRule.PER_EXAMPLE,
                        batched ? c.get("batch_size").asInt() : 1));
    }

    /**
     * The {@code encoding} block of a case (one entry per input): source ids and length, candidate budget,
     * candidate ids and lengths, as the reference's collator built them, against this ranker's encoder.
     */
    static void checkEncoding(PairRanker r, List<Item> items, JsonNode encoding) {
        List<PairEncoder.EncodedInput> encoded = r.encoder()
                .encode(
                        items.stream().map(Item::source).toList(),
                        items.stream().map(Item::candidates).toList(),
                        r.options().limits(),
                        r.options().budgetRule(),
                        r.options().budgetBatchSize());
        assertThat(encoding).as("one encoding per input").hasSize(items.size());
        for (int i = 0; i < items.size(); i++) {
            JsonNode e = encoding.get(i);
            PairEncoder.EncodedInput actual = encoded.get(i);
            assertThat(actual.source()).as("source_ids %d", i).containsExactly(longs(e.get("source_ids")));
            assertThat(actual.source())
                    .as("source_length %d", i)
                    .hasSize(e.get("source_length").asInt());
            assertThat(actual.budget())
                    .as("candidate_budget %d", i)
                    .isEqualTo(e.get("candidate_budget").asInt());
            assertThat(actual.size())
                    .as("candidates of %d", i)
                    .isEqualTo(e.get("candidate_ids").size());
            for (int c = 0; c < actual.size(); c++) {
                assertThat(actual.candidate(c))
                        .as("candidate_ids %d/%d", i, c)
                        .containsExactly(longs(e.get("candidate_ids").get(c)));
                assertThat(actual.candidate(c))
                        .as("candidate_lengths %d/%d", i, c)
                        .hasSize(e.get("candidate_lengths").get(c).asInt());
            }
        }
    }

    /** (variant name, expected block, batched?) pairs a case is checked against. */
    static List<Object[]> variants(JsonNode c) {
        List<Object[]> v = new ArrayList<>();
        v.add(new Object[] {"original_batched", c.get("original_batched"), true});
        v.add(new Object[] {
            "per_example", c.has("per_example") ? c.get("per_example") : c.get("original_batched"), false
        });
        return v;
    }

    /**
     * Whether the variant's expected block was computed with its own budget rule: per_example falls back to
     * original_batched where the recipes agree on logits, but the budgets themselves still differ.
     */
    static boolean ownBlock(JsonNode c, Object[] variant) {
        return (Boolean) variant[2] || c.has("per_example");
    }

    static List<Item> items(JsonNode c, String candidatesField) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < c.get("inputs").size(); i++) {
            String instruction = c.get("instructions").isNull()
                    ? null
                    : c.get("instructions").get(i).asText();
            items.add(new Item(
                    instruction,
                    c.get("inputs").get(i).asText(),
                    strings(c.get(candidatesField).get(i))));
        }
        return items;
    }

    @TestFactory
    Stream<DynamicTest> pair_cases_rebuild_both_recipes_ids_and_logits() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("pair_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                Limits limits = new Limits(
                        c.get("source_max_length").asInt(),
                        c.get("candidate_max_length").asInt());
                PairEncoder encoder = ranker.encoder();
                List<String> sources = new ArrayList<>();
                List<List<String>> candidates = new ArrayList<>();
                for (JsonNode row : c.get("rows")) {
                    sources.add(row.get("source").asText());
                    candidates.add(List.of(
                            row.get("candidate1").asText(),
                            row.get("candidate2").asText()));
                }
                // the original collator: batch budget over consecutive rows, [SEP] scrubbed
                List<PairEncoder.EncodedInput> batched = encoder.encode(
                        sources,
                        candidates,
                        limits,
                        BudgetRule.BATCH,
                        c.get("batch_size").asInt());
                List<long[]> rows = new ArrayList<>();
                for (int r = 0; r < sources.size(); r++) {
                    JsonNode expected = c.get("original_collator").get("rows").get(r);
                    assertThat(batched.get(r).budget())
                            .isEqualTo(expected.get("candidate_budget").asInt());
                    long[] ids = encoder.pair(batched.get(r), 0, 1);
                    assertThat(ids).as("original_collator row %d", r).containsExactly(longs(expected.get("input_ids")));
                    rows.add(ids);
                }
                checkLogits(rows, c.get("original_collator").get("rows"));
                // the PairRM-hf recipe: per-example budget; its ids equal ours wherever no literal [SEP] is involved
                List<PairEncoder.EncodedInput> perExample =
                        encoder.encode(sources, candidates, limits, BudgetRule.PER_EXAMPLE, 1);
                List<long[]> hfRows = new ArrayList<>();
                for (int r = 0; r < sources.size(); r++) {
                    JsonNode expected = c.get("hf_tokenize_pair").get("rows").get(r);
                    String text = sources.get(r) + candidates.get(r);
                    if (!text.contains(
                            "[SEP]")) { // tokenize_pair keeps a literal [SEP] as an id; the collator scrubs it
                        assertThat(perExample.get(r).budget())
                                .isEqualTo(expected.get("candidate_budget").asInt());
                        assertThat(encoder.pair(perExample.get(r), 0, 1))
                                .as("hf row %d", r)
                                .containsExactly(longs(expected.get("input_ids")));
                    }
                    hfRows.add(longs(expected.get("input_ids")));
                }
                checkLogits(hfRows, c.get("hf_tokenize_pair").get("rows"));
            }));
        }
        return tests.stream();
    }

    private static void checkLogits(List<long[]> rows, JsonNode expectedRows) {
        float[] logits = ranker.model().logits(rows, Batching.rows(8), PairRm.Progress.NONE);
        for (int r = 0; r < rows.size(); r++) {
            assertThat((double) logits[r])
                    .as("logit of row %d", r)
                    .isCloseTo(expectedRows.get(r).get("logit").asDouble(), Offset.offset(TOLERANCE));
        }
    }

    @TestFactory
    Stream<DynamicTest> rank_matches_matrices_scores_ranks_and_orders() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("rank_cases")) {
            for (Object[] v : variants(c)) {
                tests.add(dynamicTest(c.get("name").asText() + " " + v[0], () -> {
                    JsonNode e = (JsonNode) v[1];
                    PairRanker r = configured(c, (Boolean) v[2]);
                    if (ownBlock(c, v)) {
                        checkEncoding(r, items(c, "candidates"), e.get("encoding"));
                    }
                    List<Ranking> rankings = r.rank(items(c, "candidates"));
                    for (int i = 0; i < rankings.size(); i++) {
                        Ranking ranking = rankings.get(i);
                        float[][] m = ranking.matrix();
                        assertClose(flatten(m), floats(e.get("cmp_matrix").get(i)), "cmp_matrix " + i);
                        assertClose(ranking.scores(), floats(e.get("scores").get(i)), "scores " + i);
                        assertThat(ranking.ranks())
                                .as("ranks %d", i)
                                .containsExactly(ints(e.get("ranks").get(i)));
                        float[] maxWins = Aggregation.scores(m, Aggregation.Policy.MAX_WINS);
                        assertClose(maxWins, floats(e.get("max_wins_scores").get(i)), "max_wins " + i);
                        assertThat(Aggregation.ranks(maxWins))
                                .containsExactly(ints(e.get("max_wins_ranks").get(i)));
                        assertThat(Aggregation.ranksFromMatrixSums(m, Aggregation.Policy.MAX_LOGITS))
                                .containsExactly(ints(e.get("ranks_from_cmps_sum")
                                        .get("max_logits")
                                        .get(i)));
                        assertThat(Aggregation.ranksFromMatrixSums(m, Aggregation.Policy.MAX_WINS))
                                .containsExactly(ints(e.get("ranks_from_cmps_sum")
                                        .get("max_wins")
                                        .get(i)));
                        assertThat(ranking.order())
                                .containsExactly(ints(e.get("order_best_first").get(i)));
                        assertThat(Aggregation.orderWorstFirst(ranking.ranks()))
                                .containsExactly(ints(e.get("order_worst_first").get(i)));
                        for (Iterator<Map.Entry<String, JsonNode>> it =
                                        e.get("topk").properties().iterator();
                                it.hasNext(); ) {
                            Map.Entry<String, JsonNode> k = it.next();
                            List<String> expected = new ArrayList<>();
                            for (JsonNode idx : k.getValue().get(i)) {
                                expected.add(ranking.candidates().get(idx.asInt()));
                            }
                            assertThat(ranking.best(Integer.parseInt(k.getKey())))
                                    .isEqualTo(expected);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> compare_matches_every_mode_with_the_reference_signs() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("compare_cases")) {
            for (Object[] v : variants(c)) {
                tests.add(dynamicTest(c.get("name").asText() + " " + v[0], () -> {
                    JsonNode e = (JsonNode) v[1];
                    PairRanker r = configured(c, (Boolean) v[2]);
                    List<Item> items = new ArrayList<>();
                    for (int i = 0; i < c.get("inputs").size(); i++) {
                        String instruction = c.get("instructions").isNull()
                                ? null
                                : c.get("instructions").get(i).asText();
                        items.add(new Item(
                                instruction,
                                c.get("inputs").get(i).asText(),
                                List.of(
                                        c.get("candidates_A").get(i).asText(),
                                        c.get("candidates_B").get(i).asText())));
                    }
                    if (ownBlock(c, v)) {
                        checkEncoding(r, items, e.get("encoding"));
                    }
                    List<String> modes = new ArrayList<>(List.of("[A,B]", "[B,A]", "[A,B]+[B,A]"));
                    c.get("extra_modes").forEach(m -> modes.add(m.asText()));
                    for (String mode : modes) {
                        List<Comparison> results = r.compare(items, CompareMode.fromPython(mode));
                        assertClose(logits(results), floats(e.get(mode).get("logits")), mode);
                        for (int i = 0; i < results.size(); i++) {
                            assertThat(results.get(i).result())
                                    .as("%s result %d", mode, i)
                                    .isEqualTo(e.get(mode).get("results").get(i).asBoolean());
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> bubble_best_and_worst_of_n_match_step_by_step() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("bubble_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                JsonNode e = c.get("original_batched");
                PairRanker r = configured(c, true);
                int batch = c.get("batch_size").asInt();
                List<int[]> starts = new ArrayList<>();
                for (int i = 0; i < c.get("inputs").size(); i++) {
                    // the reference draws one permutation per batch, shared by its rows
                    starts.add(ints(c.get("start_permutation_per_batch").get(i / batch)));
                }
                checkEncoding(r, items(c, "candidates"), e.get("encoding"));
                for (String mode : List.of("best", "worst")) {
                    List<Item> items = items(c, "candidates");
                    List<BubbleSelection.Result> results =
                            mode.equals("best") ? r.bestOfN(items, starts) : r.worstOfN(items, starts);
                    for (int i = 0; i < results.size(); i++) {
                        JsonNode exp = e.get(mode).get("per_input").get(i);
                        BubbleSelection.Result res = results.get(i);
                        assertThat(res.startPermutation()).containsExactly(ints(exp.get("start_permutation")));
                        assertThat(res.steps()).hasSize(exp.get("steps").size());
                        assertThat(res.winner())
                                .as("%s winner %d", mode, i)
                                .isEqualTo(exp.get("winner").asInt());
                        assertThat(res.eliminatedInOrder()).isEqualTo(intList(exp.get("eliminated_in_order")));
                        assertThat(res.returnAllOrder()).isEqualTo(intList(exp.get("return_all_order")));
                        for (int j = 0; j < res.steps().size(); j++) {
                            BubbleSelection.Step st = res.steps().get(j);
                            JsonNode es = exp.get("steps").get(j);
                            assertThat(st.current()).isEqualTo(es.get("current").asInt());
                            assertThat(st.next()).isEqualTo(es.get("next").asInt());
                            assertThat((double) st.currentNext())
                                    .as("f_current_next of step %d", j)
                                    .isCloseTo(es.get("f_current_next").asDouble(), Offset.offset(TOLERANCE));
                            assertThat((double) st.nextCurrent())
                                    .as("f_next_current of step %d", j)
                                    .isCloseTo(es.get("f_next_current").asDouble(), Offset.offset(TOLERANCE));
                            assertThat(st.eliminated())
                                    .isEqualTo(es.get("eliminated").asInt());
                            assertThat((double) st.s()).isCloseTo(es.get("s").asDouble(), Offset.offset(TOLERANCE));
                            if (es.get("s").asDouble() == 0.0) {
                                assertThat(st.s())
                                        .as("an exact tie stays exact")
                                        .isZero();
                            }
                            assertThat(st.carried()).isEqualTo(es.get("carried").asInt());
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> rank_with_reference_matches_every_mode() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("rank_with_ref_cases")) {
            for (String mode : List.of("longest", "shortest", "median_length", "first", "last", "explicit")) {
                tests.add(dynamicTest(c.get("name").asText() + " " + mode, () -> {
                    JsonNode e = c.get("original_batched").get(mode);
                    PairRanker r = configured(c, true);
                    List<Item> items = items(c, "candidates");
                    List<String> explicit = strings(c.get("ref_candidates"));
                    List<Item> withExplicit = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        List<String> all = new ArrayList<>(items.get(i).candidates());
                        all.add(explicit.get(i));
                        withExplicit.add(items.get(i).withCandidates(all));
                        for (int k = 0; k < items.get(i).size(); k++) {
                            String text = items.get(i).candidates().get(k);
                            JsonNode len = c.get("candidate_lengths").get(i).get(k);
                            assertThat(text.codePointCount(0, text.length()))
                                    .isEqualTo(len.get("code_points").asInt());
                            assertThat(text.length())
                                    .isEqualTo(len.get("utf16_units").asInt());
                            assertThat(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                                    .hasSize(len.get("utf8_bytes").asInt());
                        }
                    }
                    checkEncoding(r, withExplicit, c.get("encoding"));
                    checkReferenceVerdicts(r, items, e, mode, explicit);
                    List<Ranking> rankings;
                    if (mode.equals("explicit")) {
                        rankings = r.rankWithReference(items, strings(c.get("ref_candidates")));
                    } else {
                        ReferenceMode m = ReferenceMode.fromPython(mode);
                        for (int i = 0; i < items.size(); i++) {
                            assertThat(m.pick(items.get(i).candidates()))
                                    .as("reference of %d", i)
                                    .isEqualTo(e.get("reference_index").get(i).asInt());
                        }
                        rankings = r.rankWithReference(items, m);
                    }
                    for (int i = 0; i < rankings.size(); i++) {
                        assertClose(
                                rankings.get(i).scores(),
                                floats(e.get("rewards").get(i)),
                                "rewards " + i);
                        assertThat(rankings.get(i).ranks())
                                .containsExactly(ints(e.get("ranks").get(i)));
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * {@code f(ref, c)} and {@code f(c, ref)} of every candidate, the per-step logits of rank_with_ref: the
     * reference is scored as one more candidate of its input (its budget depends only on the sources).
     */
    static void checkReferenceVerdicts(PairRanker r, List<Item> items, JsonNode e, String mode, List<String> explicit) {
        List<Item> withRef = new ArrayList<>();
        List<PairScorer.Pair> pairs = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            List<String> all = new ArrayList<>(item.candidates());
            all.add(
                    mode.equals("explicit")
                            ? explicit.get(i)
                            : item.candidates()
                                    .get(e.get("reference_index").get(i).asInt()));
            withRef.add(item.withCandidates(all));
            for (int c = 0; c < item.size(); c++) {
                pairs.add(new PairScorer.Pair(i, item.size(), c));
                pairs.add(new PairScorer.Pair(i, c, item.size()));
            }
        }
        float[] logits = r.logits(withRef, pairs);
        int k = 0;
        for (int i = 0; i < items.size(); i++) {
            for (int c = 0; c < items.get(i).size(); c++) {
                assertThat((double) logits[k++])
                        .as("f_ref_cand %d/%d", i, c)
                        .isCloseTo(e.get("f_ref_cand").get(i).get(c).asDouble(), Offset.offset(TOLERANCE));
                assertThat((double) logits[k++])
                        .as("f_cand_ref %d/%d", i, c)
                        .isCloseTo(e.get("f_cand_ref").get(i).get(c).asDouble(), Offset.offset(TOLERANCE));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> conversations_are_built_and_compared_as_the_reference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("conversation_cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<List<Turn>> a = conversations(c.get("conversations_a"));
                List<List<Turn>> b = conversations(c.get("conversations_b"));
                List<Item> items = Conversations.pairs(a, b);
                JsonNode built = c.get("built");
                for (int i = 0; i < items.size(); i++) {
                    assertThat(items.get(i).instruction())
                            .isEqualTo(built.get("instruction").asText());
                    assertThat(items.get(i).input())
                            .isEqualTo(built.get("inputs").get(i).asText());
                    assertThat(PairEncoder.source(
                                    items.get(i).instruction(), items.get(i).input()))
                            .isEqualTo(built.get("sources").get(i).asText());
                    assertThat(items.get(i).candidates())
                            .containsExactly(
                                    built.get("candidate_texts_a").get(i).asText(),
                                    built.get("candidate_texts_b").get(i).asText());
                }
                PairRanker r = configured(c, true);
                checkEncoding(r, items, c.get("original_batched").get("encoding"));
                for (String mode : List.of("[A,B]", "[B,A]", "[A,B]+[B,A]")) {
                    List<Comparison> results = r.compareConversations(a, b, CompareMode.fromPython(mode));
                    assertClose(
                            logits(results),
                            floats(c.get("original_batched").get(mode).get("logits")),
                            mode);
                    for (int i = 0; i < results.size(); i++) {
                        assertThat(results.get(i).result())
                                .isEqualTo(c.get("original_batched")
                                        .get(mode)
                                        .get("results")
                                        .get(i)
                                        .asBoolean());
                    }
                }
                // the PairRM-hf recipe (tokenize_conv_pair): our pair rows are its ids, token for token
                PairRanker perExample = ranker.withOptions(ranker.options().withBudget(BudgetRule.PER_EXAMPLE, 1));
                List<PairEncoder.EncodedInput> hf = perExample
                        .encoder()
                        .encode(
                                items.stream().map(Item::source).toList(),
                                items.stream().map(Item::candidates).toList(),
                                Limits.PAIRRM,
                                BudgetRule.PER_EXAMPLE,
                                1);
                for (int i = 0; i < items.size(); i++) {
                    assertThat(perExample.encoder().pair(hf.get(i), 0, 1))
                            .as("conversation pair row %d", i)
                            .containsExactly(longs(c.get("hf_tokenize_conv_pair")
                                    .get("rows")
                                    .get(i)
                                    .get("input_ids")));
                }
                List<long[]> rows = new ArrayList<>();
                c.get("hf_tokenize_conv_pair").get("rows").forEach(row -> rows.add(longs(row.get("input_ids"))));
                checkLogits(rows, c.get("hf_tokenize_conv_pair").get("rows"));
            }));
        }
        return tests.stream();
    }

    @Test
    void sources_join_instruction_and_input_without_a_separator() {
        for (JsonNode c : cases.get("source_join_cases")) {
            String instruction =
                    c.get("instruction").isNull() ? null : c.get("instruction").asText();
            String source = PairEncoder.source(instruction, c.get("input").asText());
            assertThat(source).isEqualTo(c.get("source").asText());
            assertThat(ranker.encoder().tokenizer().encode("<|source|>" + source, 1224))
                    .containsExactly(longs(c.get("source_ids")));
            assertThat(ranker.encoder().tokenizer().encode("<|source|>" + source, 32))
                    .containsExactly(longs(c.get("source_ids_S32")));
        }
    }

    @Test
    void aggregation_examples_of_the_spec_hold() {
        for (JsonNode c : cases.get("aggregation_examples")) {
            if (c.has("scores")) { // a ranks-from-scores example
                assertThat(Aggregation.ranks(floats(c.get("scores")))).containsExactly(ints(c.get("ranks")));
                continue;
            }
            for (int i = 0; i < c.get("cmp_matrix").size(); i++) {
                float[][] m = matrix(c.get("cmp_matrix").get(i));
                assertClose(
                        Aggregation.scores(m, Aggregation.Policy.MAX_LOGITS),
                        floats(c.get("max_logits_scores").get(i)),
                        "max_logits");
                assertThat(Aggregation.ranks(Aggregation.scores(m, Aggregation.Policy.MAX_LOGITS)))
                        .containsExactly(ints(c.get("ranks").get(i)));
                assertClose(
                        Aggregation.scores(m, Aggregation.Policy.MAX_WINS),
                        floats(c.get("max_wins_scores").get(i)),
                        "max_wins");
                assertThat(Aggregation.ranks(Aggregation.scores(m, Aggregation.Policy.MAX_WINS)))
                        .containsExactly(ints(c.get("max_wins_ranks").get(i)));
                assertThat(Aggregation.ranksFromMatrixSums(m, Aggregation.Policy.MAX_LOGITS))
                        .containsExactly(ints(
                                c.get("ranks_from_cmps_sum").get("max_logits").get(i)));
                assertThat(Aggregation.ranksFromMatrixSums(m, Aggregation.Policy.MAX_WINS))
                        .containsExactly(ints(
                                c.get("ranks_from_cmps_sum").get("max_wins").get(i)));
            }
        }
    }

    @Test
    void input_checks_raise_the_reference_messages() {
        List<Turn> conv = List.of(Turn.user("hi"), Turn.assistant("hello"));
        for (JsonNode e : cases.get("error_cases")) {
            String situation = e.get("situation").asText();
            Runnable call = switch (e.get("api").asText() + ": " + situation) {
                case "compare_conversations: odd number of turns" ->
                    () -> Conversations.pairs(List.of(List.of(Turn.user("hi"))), List.of(List.of(Turn.user("hi"))));
                case "compare_conversations: even turn not USER" ->
                    () -> Conversations.pairs(
                            List.of(List.of(Turn.assistant("hi"), Turn.assistant("x"))), List.of(conv));
                case "compare_conversations: odd turn not ASSISTANT" ->
                    () -> Conversations.pairs(List.of(List.of(Turn.user("hi"), Turn.user("x"))), List.of(conv));
                case "compare_conversations: different number of conversations" ->
                    () -> Conversations.pairs(List.of(conv, conv), List.of(conv));
                case "compare_conversations: different number of turns" ->
                    () -> Conversations.pairs(
                            List.of(conv),
                            List.of(List.of(
                                    Turn.user("hi"), Turn.assistant("a"), Turn.user("b"), Turn.assistant("c"))));
                case "compare_conversations: USER turns differ" ->
                    () -> Conversations.pairs(
                            List.of(conv), List.of(List.of(Turn.user("bye"), Turn.assistant("hello"))));
                case "rank: an input without candidates" -> () -> ranker.rank(List.of(new Item("x", List.of())));
                case "rank: different candidate counts" ->
                    () -> ranker.rank(List.of(new Item("x", List.of("a", "b")), new Item("y", List.of("a"))));
                case "rank: len(inputs) != len(candidates)" ->
                    () -> ranker.encoder()
                            .encode(List.of("x", "y"), List.of(List.of("a")), Limits.PAIRRM, BudgetRule.PER_EXAMPLE, 1);
                case "compare: len(candidates_A) != len(candidates_B)" ->
                    () -> ranker.compare(null, List.of("x"), List.of("a"), List.of("b", "c"), CompareMode.BOTH);
                case "compare: len(inputs) != len(candidates_A)" ->
                    () -> ranker.compare(null, List.of("x", "y"), List.of("a"), List.of("b"), CompareMode.BOTH);
                case "rank_with_ref: unknown ref_mode" -> () -> ReferenceMode.fromPython("median");
                case "rank_with_ref: wrong number of ref_candidates" ->
                    () -> ranker.rankWithReference(List.of(new Item("x", List.of("a"))), List.of("r", "s"));
                case "rank_with_ref: ref_candidate not a string" ->
                    () -> ranker.rankWithReference(
                            List.of(new Item("x", List.of("a"))), java.util.Arrays.asList((String) null));
                case "rank_with_ref: different candidate counts" ->
                    () -> ranker.rankWithReference(
                            List.of(new Item("x", List.of("a", "b")), new Item("y", List.of("a"))),
                            ReferenceMode.FIRST);
                default -> throw new AssertionError("no check written for " + e);
            };
            assertThatThrownBy(call::run)
                    .as(situation)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(e.get("message").asText());
        }
    }

    // ---- JSON helpers --------------------------------------------------------------------------------------

    static float[] logits(List<Comparison> results) {
        float[] out = new float[results.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = results.get(i).logit();
        }
        return out;
    }

    static void assertClose(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("%s[%d]", what, i).isCloseTo(expected[i], Offset.offset(TOLERANCE));
        }
    }

    static float[] flatten(float[][] m) {
        float[] out = new float[m.length * m.length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m.length, m.length);
        }
        return out;
    }

    static float[][] matrix(JsonNode n) {
        float[][] m = new float[n.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = floats(n.get(i));
        }
        return m;
    }

    static float[] floats(JsonNode n) {
        return PairRmFixture.floats(n);
    }

    static int[] ints(JsonNode n) {
        return PairRmFixture.ints(n);
    }

    static List<Integer> intList(JsonNode n) {
        List<Integer> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asInt()));
        return out;
    }

    static long[] longs(JsonNode n) {
        long[] out = new long[n.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = n.get(i).asLong();
        }
        return out;
    }

    static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(x -> out.add(x.asText()));
        return out;
    }

    static List<List<Turn>> conversations(JsonNode n) {
        List<List<Turn>> out = new ArrayList<>();
        for (JsonNode conv : n) {
            List<Turn> turns = new ArrayList<>();
            conv.forEach(t ->
                    turns.add(new Turn(t.get("role").asText(), t.get("content").asText())));
            out.add(turns);
        }
        return out;
    }
}
