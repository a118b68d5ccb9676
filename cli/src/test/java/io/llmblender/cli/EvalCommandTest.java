package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.llmblender.eval.data.AlpacaEval;
import io.llmblender.eval.data.Benchmarks;
import io.llmblender.eval.data.DataDirectory;
import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.eval.metric.EnsembleGain;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender eval} end to end with the tiny PairRM fixture: the reports are written and hold the numbers that
 * the fixture's golden logits, the Java API or the data imply. The benchmark data is the eval module's bundled
 * copy, except for Auto-J, whose data may not be redistributed (see {@link Data}).
 */
class EvalCommandTest {
    static final Path MODEL = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    /** An item built from the fixture's rank case "readme_rank": input {@code input}, candidates a and b. */
    record Case(int input, int a, int b, String label, String group) {}

    @Test
    void a_pairwise_jsonl_of_ones_own_is_evaluated_in_both_orders(@TempDir Path tmp) throws Exception {
        // given four pairs cut from pairrm-e2e's rank case "readme_rank", whose cmp_matrix[n][x][y] = f(x, y)
        JsonNode readme = rankCase("readme_rank");
        List<Case> cases = List.of(
                new Case(0, 1, 0, "a", "hello"),
                new Case(0, 2, 1, "a", "hello"),
                new Case(1, 0, 1, "tie", "tie"),
                new Case(1, 0, 2, "b", "love"));
        StringBuilder jsonl = new StringBuilder();
        for (Case c : cases) {
            JsonNode candidates = readme.get("candidates").get(c.input());
            jsonl.append(JSON.createObjectNode()
                            .put("prompt", readme.get("inputs").get(c.input()).asText())
                            .put("response_a", candidates.get(c.a()).asText())
                            .put("response_b", candidates.get(c.b()).asText())
                            .put("label", c.label())
                            .put("group", c.group()))
                    .append('\n');
        }
        Path file = Files.writeString(tmp.resolve("mine.jsonl"), jsonl);
        // and what Auto-J's both-orders rule makes of the golden logits f(a, b) and f(b, a)
        JsonNode matrix = readme.get("original_batched").get("cmp_matrix");
        float[] ab = new float[cases.size()];
        float[] ba = new float[cases.size()];
        int[] labels = new int[cases.size()];
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            ab[i] = (float) matrix.get(c.input()).get(c.a()).get(c.b()).asDouble();
            ba[i] = (float) matrix.get(c.input()).get(c.b()).get(c.a()).asDouble();
            labels[i] = switch (c.label()) {
                case "a" -> PairwiseItem.FIRST;
                case "b" -> PairwiseItem.SECOND;
                default -> PairwiseItem.TIE;
            };
        }
        boolean[] agrees = bothOrdersAgree(ab, ba, labels);
        // when
        CliRun cli = new CliRun();
        int code = cli.run(
                "eval",
                "pairwise",
                "--ranker",
                MODEL.toString(),
                "--file",
                file.toString(),
                "--out",
                tmp.resolve("r").toString());
        // then
        assertThat(code).as(cli.err.toString()).isZero();
        JsonNode report = JSON.readTree(tmp.resolve("r/report.json").toFile());
        assertThat(report.get("items").asInt()).isEqualTo(4);
        // item by item: (1) b in both orders, against the label a; (2) a in both orders, as labelled; (3) the first
        // shown wins in both orders, so it is inconsistent, and PairRM never says tie; (4) b in both orders
        assertThat(agrees).containsExactly(false, true, false, true);
        assertThat(report.get("agreement").asDouble()).isEqualTo(percent(agrees));
        assertThat(report.get("consistency").asDouble()).isEqualTo(75.0);
        assertThat(report.get("agreement_by_group").get("hello").asDouble()).isEqualTo(50.0);
        assertThat(report.get("agreement_by_group").get("tie").asDouble()).isZero();
        assertThat(report.get("agreement_by_group").get("love").asDouble()).isEqualTo(100.0);
        assertThat(Files.readString(tmp.resolve("r/report.md")))
                .contains("| judge | hello | tie | love | Overall |")
                .contains("(measured) | 50.00 | 0.00 | 100.00 | 50.00 |");
        // every logit went to the cache (4 items × 2 orders), and they are the fixture's
        Path cache = tmp.resolve("r/cache/agreement-pairwise.jsonl");
        assertThat(cachedValues(cache)).hasSize(8);
        float[] golden = concat(ab, ba);
        float[] cached = cachedValues(cache);
        Arrays.sort(golden);
        Arrays.sort(cached);
        for (int i = 0; i < golden.length; i++) {
            assertThat(cached[i]).isCloseTo(golden[i], within(5e-6f)); // the e2e fixture's logit tolerance
        }
        // a rerun reads them back and adds none
        assertThat(cli.run(
                        "eval",
                        "pairwise",
                        "--ranker",
                        MODEL.toString(),
                        "--file",
                        file.toString(),
                        "--out",
                        tmp.resolve("r").toString()))
                .as(cli.err.toString())
                .isZero();
        assertThat(cachedValues(cache)).hasSize(8);
        assertThat(JSON.readTree(tmp.resolve("r/report.json").toFile()).get("agreement"))
                .isEqualTo(report.get("agreement"));
        // the threshold protocol: d = f(a,b) − f(b,a) is a tie when |d| < t, t searched on 0, 0.01, …, 2.0
        assertThat(cli.run(
                        "eval",
                        "pairwise",
                        "--ranker",
                        MODEL.toString(),
                        "--file",
                        file.toString(),
                        "--protocol",
                        "threshold",
                        "--out",
                        tmp.resolve("t").toString()))
                .as(cli.err.toString())
                .isZero();
        // only the tie item has |d| < 0.01, and no other |d| is below 0.2, so 0.01 is the first threshold that
        // gains it; items 2 and 4 keep their right verdicts and item 1 (d < 0, label a) is wrong at any t
        float[] d = new float[ab.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = ab[i] - ba[i];
        }
        assertThat(Math.abs(d[2])).isLessThan(0.01f);
        for (int i : new int[] {0, 1, 3}) {
            assertThat(Math.abs(d[i])).as("|d| of item %d", i + 1).isGreaterThan(0.2f);
        }
        assertThat(d[0]).isNegative();
        assertThat(d[1]).isPositive();
        assertThat(d[3]).isNegative();
        JsonNode t = JSON.readTree(tmp.resolve("t/report.json").toFile());
        assertThat(t.get("threshold").asDouble()).isEqualTo(0.01);
        assertThat(t.get("agreement").asDouble()).isEqualTo(75.0);
        assertThat(Files.readString(tmp.resolve("t/report.md"))).contains("tuned on this test set");
    }

    @Test
    void autoj_reports_the_measured_row_beside_the_published_ones(@TempDir Path tmp) throws Exception {
        // Auto-J's data has no licence, so it is not bundled: this needs the data folder (README.md, Tests)
        Path data = Data.require("autoj_pairwise/testdata_pairwise.jsonl", "autoj_pairwise/scenario_groups.json");
        CliRun cli = new CliRun();
        assertThat(cli.run(
                        "eval",
                        "autoj",
                        "--ranker",
                        MODEL.toString(),
                        "--data",
                        data.toString(),
                        "--limit",
                        "24",
                        "--out",
                        tmp.resolve("a").toString()))
                .as(cli.err.toString())
                .isZero();
        // expected: the Java API's logits on the same 24 pairs (one batch, as the command sends them), both orders
        List<PairwiseItem> items = Benchmarks.autoJ(new DataDirectory(data)).subList(0, 24);
        double expected;
        try (PairRanker ranker = PairRanker.load(MODEL)) {
            float[] ab = logits(ranker, items, false, CompareMode.A_B);
            float[] ba = logits(ranker, items, true, CompareMode.A_B);
            expected = percent(bothOrdersAgree(ab, ba, labels(items)));
        }
        JsonNode report = JSON.readTree(tmp.resolve("a/report.json").toFile());
        assertThat(report.get("agreement").asDouble()).isCloseTo(expected, within(1e-9));
        // the published overall numbers that shared/data/autoj_pairwise/README.md quotes from the PairRM card
        assertThat(Files.readString(tmp.resolve("a/report.md")))
                .contains("| judge | Summ | Exam | Code | Rewriting | Crea W | Func W | Comm | NLP | Overall |")
                .contains("| GPT-4 (published) | — | — | — | — | — | — | — | — | 61.90 |")
                .contains("| Auto-J-13B (published) | — | — | — | — | — | — | — | — | 54.80 |");
        assertThat(ImageIO.read(tmp.resolve("a/agreement.png").toFile())).isNotNull();
    }

    @Test
    void hhh_reports_the_measured_accuracy_and_the_published_rows_are_fractions_of_this_set(@TempDir Path tmp)
            throws Exception {
        CliRun cli = new CliRun();
        assertThat(cli.run(
                        "eval",
                        "hhh",
                        "--ranker",
                        MODEL.toString(),
                        "--data",
                        Data.BUNDLED.toString(),
                        "--limit",
                        "30",
                        "--out",
                        tmp.resolve("h").toString()))
                .as(cli.err.toString())
                .isZero();
        // expected: the share of the first 30 pairs (all harmless) where the API's both-order logit prefers chosen
        List<PairwiseItem> all = Benchmarks.hhh(new DataDirectory(Data.BUNDLED));
        List<PairwiseItem> items = all.subList(0, 30);
        double expected;
        try (PairRanker ranker = PairRanker.load(MODEL)) {
            float[] both = logits(ranker, items, false, CompareMode.BOTH);
            int chosen = 0;
            for (float logit : both) {
                chosen += logit > 0 ? 1 : 0;
            }
            expected = 100.0 * chosen / items.size();
        }
        JsonNode report = JSON.readTree(tmp.resolve("h/report.json").toFile());
        assertThat(report.get("agreement").asDouble()).isCloseTo(expected, within(1e-9));
        assertThat(report.get("agreement_by_group").size()).isEqualTo(1);
        assertThat(report.get("agreement_by_group").get("harmless").asDouble()).isCloseTo(expected, within(1e-9));
        // the PairRM card's HHH row is exact fractions of these 221 pairs (shared/data/hhh_alignment/README.md):
        // 50 helpful, 49 harmless, 49 honest and 39 other pairs right
        String row = String.format(
                "| PairRM (published) | %.2f | %.2f | %.2f | %.2f | %.2f |",
                100.0 * 50 / count(all, "helpful"),
                100.0 * 49 / count(all, "harmless"),
                100.0 * 49 / count(all, "honest"),
                100.0 * 39 / count(all, "other"),
                100.0 * (50 + 49 + 49 + 39) / all.size());
        assertThat(Files.readString(tmp.resolve("h/report.md")))
                .contains("| judge | Help. | Harm. | Hon. | Other | Total Avg. |")
                .contains(row);
    }

    @Test
    void alpaca_gains_report_every_selector_with_the_published_anchors(@TempDir Path tmp) throws Exception {
        // given the bundled preferences and synthetic outputs, distinct for every member and instruction
        List<String> pool = EnsembleGain.POOLS.get("weak");
        Path data = Data.alpacaWithOutputs(tmp.resolve("data"), pool, (m, i) -> m + " answers instruction " + i);
        // when
        CliRun cli = new CliRun();
        assertThat(cli.run(
                        "eval",
                        "alpaca",
                        "--pool",
                        "weak",
                        "--ranker",
                        MODEL.toString(),
                        "--data",
                        data.toString(),
                        "--limit",
                        "15",
                        "--out",
                        tmp.resolve("out").toString()))
                .as(cli.err.toString())
                .isZero();
        // then
        JsonNode report = JSON.readTree(tmp.resolve("out/report.json").toFile());
        assertThat(report.get("instructions").asInt()).isEqualTo(15);
        List<String> selectors = new ArrayList<>();
        report.get("scores").forEach(s -> selectors.add(s.get("selector").asText()));
        List<String> expectedSelectors = new ArrayList<>(List.of("oracle", "random (expected)"));
        expectedSelectors.addAll(pool);
        expectedSelectors.addAll(List.of("longest", "shortest", "PairRM"));
        assertThat(selectors).containsExactlyElementsOf(expectedSelectors);
        // each member scores its own preferences on the first 15 instructions, the oracle the best of them
        AlpacaEval ae = AlpacaEval.load(new DataDirectory(Data.BUNDLED), AlpacaEval.Judge.AE1);
        double[] best = new double[15];
        Arrays.fill(best, Double.NaN);
        for (String model : pool) {
            double[] p = Arrays.copyOf(ae.preferences(model), 15);
            assertThat(winRate(report, model)).as(model).isCloseTo(meanWinRate(p), within(1e-9));
            for (int i = 0; i < 15; i++) {
                best[i] = Double.isNaN(best[i]) ? p[i] : Double.isNaN(p[i]) ? best[i] : Math.max(best[i], p[i]);
            }
        }
        assertThat(winRate(report, "oracle")).isCloseTo(meanWinRate(best), within(1e-9));
        // PairRM's cost: all C·(C−1) ordered pairs of each instruction's 4 distinct outputs (spec §3.1), 15 times
        assertThat(report.get("ranker_pair_rows").get("PairRM").asLong()).isEqualTo(15L * 4 * 3);
        // the published PairRM best-of-16 anchors are the leaderboard's win rates (selected_models.csv)
        String md = Files.readString(tmp.resolve("out/report.md"));
        String[][] anchors = {
            {"tulu-2-dpo-70b", "pairrm-tulu-2-70b"},
            {"tulu-2-dpo-13b", "pairrm-tulu-2-13b"},
            {"zephyr-7b-beta", "pairrm-zephyr-7b-beta"}
        };
        for (AlpacaEval.Judge judge : List.of(AlpacaEval.Judge.AE2, AlpacaEval.Judge.AE1)) {
            AlpacaEval board = AlpacaEval.load(new DataDirectory(Data.BUNDLED), judge);
            for (String[] a : anchors) {
                assertThat(md)
                        .contains(String.format(
                                "| %s | %s | %.2f | %s | %.2f |",
                                judge, a[0], board.leaderboardWinRate(a[0]), a[1], board.leaderboardWinRate(a[1])));
            }
        }
        assertThat(md).contains("![win rate");
        assertThat(ImageIO.read(tmp.resolve("out/gains.png").toFile())).isNotNull();
    }

    @Test
    void alpaca_gains_can_select_with_an_llm_judge_on_an_openai_endpoint(@TempDir Path tmp) throws Exception {
        Path data = Data.alpacaWithOutputs(
                tmp.resolve("data"), List.of("alpaca-7b", "gpt4"), (m, i) -> m + " answers instruction " + i);
        HttpServer judge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicInteger calls = new AtomicInteger();
        judge.createContext("/v1/chat/completions", ex -> {
            ex.getRequestBody().readAllBytes();
            calls.incrementAndGet();
            byte[] b =
                    ("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"j\",\"choices\":[{\"index\":0,"
                                    + "\"message\":{\"role\":\"assistant\",\"content\":\"A\"},\"finish_reason\":\"stop\"}]}")
                            .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
        });
        judge.start();
        try {
            CliRun cli = new CliRun();
            int code = cli.run(
                    "eval",
                    "alpaca",
                    "--pool",
                    "alpaca-7b,gpt4",
                    "--data",
                    data.toString(),
                    "--limit",
                    "3",
                    "--llm-judge",
                    "chat:openai:j@http://127.0.0.1:" + judge.getAddress().getPort() + "/v1",
                    "--out",
                    tmp.resolve("out").toString());
            assertThat(code).as(cli.err.toString()).isZero();
            assertThat(Files.readString(tmp.resolve("out/report.md"))).contains("| LLM judge |");
            assertThat(calls.get()).isEqualTo(3 * 2); // 3 instructions × 2 ordered pairs
        } finally {
            judge.stop(0);
        }
    }

    /**
     * Auto-J's both-orders rule ({@code pairwise_eval.py}) on PairRM logits: the verdict on (x, y) is x when
     * f(x, y) > 0, else y; an item agrees when both verdicts, mapped back to the original order, equal its label.
     */
    static boolean[] bothOrdersAgree(float[] ab, float[] ba, int[] labels) {
        boolean[] out = new boolean[labels.length];
        for (int i = 0; i < out.length; i++) {
            int original = ab[i] > 0 ? PairwiseItem.FIRST : PairwiseItem.SECOND;
            int swappedBack = ba[i] > 0 ? PairwiseItem.SECOND : PairwiseItem.FIRST;
            out[i] = original == labels[i] && swappedBack == labels[i];
        }
        return out;
    }

    static double percent(boolean[] agrees) {
        int n = 0;
        for (boolean a : agrees) {
            n += a ? 1 : 0;
        }
        return 100.0 * n / agrees.length;
    }

    static int[] labels(List<PairwiseItem> items) {
        return items.stream().mapToInt(PairwiseItem::label).toArray();
    }

    static float[] logits(PairRanker ranker, List<PairwiseItem> items, boolean swapped, CompareMode mode) {
        List<Item> pairs = items.stream()
                .map(it -> new Item(it.prompt(), swapped ? List.of(it.b(), it.a()) : List.of(it.a(), it.b())))
                .toList();
        List<Comparison> c = ranker.compare(pairs, mode);
        float[] out = new float[c.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.get(i).logit();
        }
        return out;
    }

    static long count(List<PairwiseItem> items, String group) {
        return items.stream().filter(i -> i.group().equals(group)).count();
    }

    static double winRate(JsonNode report, String selector) {
        for (JsonNode s : report.get("scores")) {
            if (s.get("selector").asText().equals(selector)) {
                return s.get("winRate").asDouble();
            }
        }
        throw new AssertionError("no selector " + selector + " in " + report.get("scores"));
    }

    /** AlpacaEval's win rate: 100 · mean(preference − 1) over the instructions that have one. */
    static double meanWinRate(double[] p) {
        return 100 * (Arrays.stream(p).filter(v -> !Double.isNaN(v)).average().orElseThrow() - 1);
    }

    static float[] cachedValues(Path cache) throws Exception {
        List<String> lines = Files.readAllLines(cache);
        float[] out = new float[lines.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) JSON.readTree(lines.get(i)).get("value").asDouble();
        }
        return out;
    }

    static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static JsonNode rankCase(String name) throws Exception {
        for (JsonNode c : JSON.readTree(MODEL.resolve("cases.json").toFile()).get("rank_cases")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("pairrm-e2e/cases.json has no rank case " + name);
    }

    @Test
    void without_output_the_report_goes_under_the_working_directory_and_the_first_line_says_where(@TempDir Path tmp)
            throws Exception {
        Path file = Files.writeString(
                tmp.resolve("one.jsonl"),
                "{\"prompt\": \"hello!\", \"response_a\": \"hi!\", \"response_b\": \"f**k off!\", \"label\": \"a\"}\n");
        Path work = Files.createDirectories(tmp.resolve("work"));
        String before = System.getProperty("user.dir");
        CliRun cli = new CliRun();
        int code;
        try {
            System.setProperty("user.dir", work.toString()); // the working directory as the CLI reads it
            code = cli.run("eval", "pairwise", "--model", MODEL.toString(), "--file", file.toString());
        } finally {
            System.setProperty("user.dir", before);
        }
        assertThat(code).as(cli.err.toString()).isZero();
        Path expected = work.resolve("eval-report").resolve("pairwise");
        assertThat(cli.out.toString().lines().findFirst().orElseThrow())
                .isEqualTo("writing the report to " + expected
                        + " (the default, under the working directory; --output DIR chooses another)");
        assertThat(expected.resolve("report.json")).isRegularFile();
        assertThat(JSON.readTree(expected.resolve("report.json").toFile())
                        .get("items")
                        .asInt())
                .isEqualTo(1);
    }
}
