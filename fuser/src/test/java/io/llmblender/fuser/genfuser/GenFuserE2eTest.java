package io.llmblender.fuser.genfuser;

import static io.llmblender.fuser.Fixtures.longs;
import static io.llmblender.fuser.Fixtures.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.fuser.Fixtures;
import io.llmblender.fuser.FusionPrompt;
import io.llmblender.fuser.FusionRequest;
import io.llmblender.fuser.FusionResult;
import io.llmblender.fuser.t5.BeamSearch;
import io.llmblender.fuser.t5.DecodingProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * GenFuser's whole path on a tiny GenFuser folder with the real Flan-T5 tokenizer
 * ({@code -Dgenfuser.e2e=<folder>}, default the project's copy of shared/fixtures/genfuser-e2e): fusion text,
 * input ids, greedy and 4-beam outputs (ids exact, texts exact, beam scores within 1e-4).
 */
class GenFuserE2eTest {
    static final double SCORE_TOLERANCE = 1e-4;
    static JsonNode cases;
    static GenFuser fuser;

    @BeforeAll
    static void load() {
        Path folder = Fixtures.folder("genfuser.e2e", "fixtures/genfuser-e2e");
        cases = Fixtures.cases(folder);
        fuser = GenFuser.load(folder);
    }

    @AfterAll
    static void close() {
        fuser.close();
    }

    static GenFuser configured(JsonNode row, int maxNewTokens, int beams) {
        return fuser.withOptions(new GenFuser.Options(
                row.get("candidate_maxlength").asInt(),
                row.get("max_length").asInt(),
                new BeamSearch.Options(beams, 1, 1.0, false, maxNewTokens)));
    }

    static FusionRequest request(JsonNode row) {
        String instruction =
                row.get("instruction").isNull() ? null : row.get("instruction").asText();
        return new FusionRequest(instruction, row.get("input").asText(), strings(row.get("candidates")));
    }

    static List<JsonNode> rows(JsonNode c) {
        List<JsonNode> rows = new ArrayList<>();
        if (c.has("rows")) {
            c.get("rows").forEach(rows::add);
        } else {
            rows.add(c);
        }
        return rows;
    }

    @TestFactory
    Stream<DynamicTest> fusion_texts_and_input_ids_are_the_references() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                for (JsonNode row : rows(c)) {
                    FlanT5Tokenizer tok = fuser.tokenizer();
                    List<String> cut = FusionPrompt.truncateCandidates(
                            tok,
                            strings(row.get("candidates")),
                            row.get("candidate_maxlength").asInt());
                    assertThat(cut).isEqualTo(strings(row.get("candidates_after_truncation")));
                    String instruction = row.get("instruction").isNull()
                            ? null
                            : row.get("instruction").asText();
                    assertThat(FusionPrompt.text(instruction, row.get("input").asText(), cut))
                            .isEqualTo(row.get("fusion_text").asText());
                    assertThat(configured(row, 16, 4).inputIds(request(row)))
                            .containsExactly(longs(row.get("input_ids")));
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> greedy_and_beam_search_reproduce_ids_texts_and_scores() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                List<JsonNode> rows = rows(c);
                int maxNew = c.get("max_new_tokens").asInt();
                List<long[]> inputs = new ArrayList<>();
                rows.forEach(r -> inputs.add(longs(r.get("input_ids"))));
                GenFuser greedy = configured(rows.get(0), maxNew, 1);
                List<long[]> g = greedy.generate(inputs);
                BeamSearch search = new BeamSearch(fuser.model(), new BeamSearch.Options(4, 1, 1.0, false, maxNew));
                List<long[]> padded = pad(inputs);
                List<List<BeamSearch.Sequence>> beams =
                        search.search(padded.toArray(new long[0][]), mask(inputs), DecodingProgress.NONE);
                for (int r = 0; r < rows.size(); r++) {
                    JsonNode row = rows.get(r);
                    long[] expectedGreedy = c.has("greedy_output_ids")
                            ? longs(c.get("greedy_output_ids").get(r))
                            : longs(row.get("greedy").get("output_ids"));
                    assertThat(g.get(r)).as("greedy ids row %d", r).containsExactly(expectedGreedy);
                    assertThat(fuser.tokenizer().decode(longs(row.get("greedy").get("output_ids")), true))
                            .isEqualTo(row.get("greedy").get("text").asText());
                    BeamSearch.Sequence best = beams.get(r).get(0);
                    System.out.printf(
                            "genfuser %-28s row %d beam score |Δ| %.2e%n",
                            c.get("name").asText(),
                            r,
                            Math.abs(best.score()
                                    - row.get("beam")
                                            .get("sequence_score_double")
                                            .asDouble()));
                    long[] expectedBeam = longs(row.get("beam").get("output_ids"));
                    assertThat(trimPadding(best.ids()))
                            .as("beam ids row %d", r)
                            .containsExactly(trimPadding(expectedBeam));
                    assertThat(best.score())
                            .as("beam score row %d", r)
                            .isCloseTo(
                                    row.get("beam").get("sequence_score_double").asDouble(),
                                    Offset.offset(SCORE_TOLERANCE));
                    assertThat(fuser.tokenizer().decode(best.ids(), true))
                            .isEqualTo(row.get("beam").get("text").asText());
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> the_fuser_api_returns_the_reference_beam_text() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (c.has("rows")) {
                continue; // the batch case is covered above
            }
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                FusionResult r =
                        configured(c, c.get("max_new_tokens").asInt(), 4).fuse(request(c));
                assertThat(r.text()).isEqualTo(c.get("beam").get("text").asText());
                assertThat(r.fuser()).isEqualTo("GenFuser");
                assertThat(r.generatedTokens()).isPositive();
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> num_return_sequences_returns_every_final_hypothesis_best_first() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (c.has("rows")) {
                continue;
            }
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                JsonNode hyps = c.get("beam").get("final_hypotheses");
                BeamSearch search = new BeamSearch(
                        fuser.model(),
                        new BeamSearch.Options(
                                4,
                                hyps.size(),
                                1.0,
                                false,
                                c.get("max_new_tokens").asInt()));
                List<BeamSearch.Sequence> all = search.search(
                                new long[][] {longs(c.get("input_ids"))},
                                mask(List.of(longs(c.get("input_ids")))),
                                DecodingProgress.NONE)
                        .get(0);
                assertThat(all).hasSize(hyps.size());
                for (int i = 0; i < all.size(); i++) {
                    JsonNode h = hyps.get(i); // the fixture lists them best first
                    assertThat(all.get(i).score()).isCloseTo(h.get("score").asDouble(), Offset.offset(SCORE_TOLERANCE));
                    long[] tokens = longs(h.get("tokens"));
                    assertThat(java.util.Arrays.copyOf(all.get(i).ids(), tokens.length))
                            .containsExactly(tokens);
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> greedy_fusion_streams_pieces_that_add_up_to_the_text() {
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases.get("cases")) {
            if (c.has("rows")) {
                continue;
            }
            tests.add(dynamicTest(c.get("name").asText(), () -> {
                GenFuser greedy = configured(c, c.get("max_new_tokens").asInt(), 1);
                List<String> pieces = new ArrayList<>();
                FusionResult streamed = greedy.fuse(request(c), pieces::add);
                assertThat(String.join("", pieces)).isEqualTo(streamed.text());
                assertThat(streamed.text())
                        .isEqualTo(c.get("greedy").get("text").asText());
                if (streamed.text().split(" ").length > 2) {
                    assertThat(pieces).hasSizeGreaterThan(1); // it really streamed, not one block at the end
                }
            }));
        }
        return tests.stream();
    }

    static List<long[]> pad(List<long[]> rows) {
        int w = rows.stream().mapToInt(a -> a.length).max().orElse(0);
        List<long[]> out = new ArrayList<>();
        rows.forEach(r -> out.add(java.util.Arrays.copyOf(r, w)));
        return out;
    }

    static long[][] mask(List<long[]> rows) {
        int w = rows.stream().mapToInt(a -> a.length).max().orElse(0);
        long[][] m = new long[rows.size()][w];
        for (int i = 0; i < m.length; i++) {
            java.util.Arrays.fill(m[i], 0, rows.get(i).length, 1L);
        }
        return m;
    }

    /** Batch outputs are right-padded with 0 to the longest row; compare without that padding. */
    static long[] trimPadding(long[] ids) {
        int end = ids.length;
        while (end > 1 && ids[end - 1] == 0) {
            end--;
        }
        return java.util.Arrays.copyOf(ids, end);
    }
}
