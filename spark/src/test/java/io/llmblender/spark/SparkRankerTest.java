package io.llmblender.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.llmblender.batch.BatchFile;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark job on a real {@code local[2]} SparkSession with the tiny end-to-end PairRM folder: every result is
 * compared with {@link PairRanker} on the same row in this JVM, outside Spark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the bf16 model is loaded last, after the fp32 count
class SparkRankerTest {
    static final String MODEL = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize()
            .toString();
    static final Map<String, Item> GOOD = Map.of(
            "hello", new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!")),
            "love", new Item("I love you!", List.of("I love you too!", "I hate you!", "Thanks! You're a good guy!")),
            "france",
                    new Item(
                            "Answer briefly. ",
                            "What is the capital of France?",
                            List.of("Paris.", "Lyon.", "The capital of France is Paris.", "Rome")),
            "two", new Item("hello!", List.of("hi!", "f**k off!")));
    static SparkSession spark;
    static PairRanker ranker;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("SparkRankerTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.driver.host", "localhost")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        ranker = PairRanker.load(Path.of(MODEL));
    }

    @AfterAll
    static void stop() {
        spark.stop();
        ranker.close();
    }

    static Dataset<Row> dataset(List<Row> rows) {
        StructType schema = new StructType()
                .add("id", DataTypes.StringType)
                .add("instruction", DataTypes.StringType)
                .add("input", DataTypes.StringType)
                .add("candidates", DataTypes.createArrayType(DataTypes.StringType));
        return spark.createDataFrame(rows, schema); // in list order: the first of two equal ids is kept
    }

    static List<Row> goodRows() {
        return GOOD.entrySet().stream()
                .map(e -> RowFactory.create(
                        e.getKey(),
                        e.getValue().instruction(),
                        e.getValue().input(),
                        e.getValue().candidates().toArray(new String[0])))
                .toList();
    }

    @Test
    void full_ranks_and_scores_equal_pairranker_and_bad_rows_go_to_errors_with_reasons() {
        List<Row> rows = new java.util.ArrayList<>(goodRows());
        rows.add(RowFactory.create("empty", null, "q", new String[0]));
        rows.add(RowFactory.create("blank", null, "q", new String[] {"ok", " "}));
        rows.add(RowFactory.create("many", null, "q", new String[] {"1", "2", "3", "4", "5"}));
        rows.add(RowFactory.create("hello", null, "again", new String[] {"x", "y"}));
        SparkRanking r =
                new SparkRanker(SparkRankOptions.of(MODEL).withMaxCandidates(4).withMatrix(true)).rank(dataset(rows));

        Map<String, Row> ranked = byId(r.ranked());
        assertThat(ranked.keySet()).containsExactlyInAnyOrderElementsOf(GOOD.keySet());
        for (var e : GOOD.entrySet()) {
            Ranking expected = ranker.rank(e.getValue());
            Row got = ranked.get(e.getKey());
            assertThat(got.<Integer>getList(1)).as(e.getKey()).containsExactly(boxed(expected.ranks()));
            List<Float> scores = got.getList(2);
            for (int i = 0; i < scores.size(); i++) {
                assertThat(scores.get(i)).isCloseTo(expected.scores()[i], within(1e-5f));
            }
            int[] order = expected.order();
            assertThat(got.getInt(3)).isEqualTo(order[0]);
            assertThat(got.getInt(4)).isEqualTo(order[order.length - 1]);
            float m01 = r.ranked()
                    .filter("id = '" + e.getKey() + "'")
                    .selectExpr("matrix[0][1]")
                    .first()
                    .getFloat(0);
            assertThat(m01).isCloseTo(expected.matrix()[0][1], within(1e-5f));
        }
        Map<String, String> reasons = new HashMap<>();
        for (Row e : r.errors().collectAsList()) {
            reasons.put(e.getString(1), e.getString(2));
        }
        assertThat(reasons).containsOnlyKeys("empty", "blank", "many", "hello");
        assertThat(reasons.get("empty")).startsWith("no candidates");
        assertThat(reasons.get("blank")).startsWith("candidate 1 is blank");
        assertThat(reasons.get("many")).contains("more than the cap of 4");
        assertThat(reasons.get("hello")).startsWith("duplicate id");
        assertThat(ExecutorModels.loaded()).isEqualTo(1);
        r.unpersist();
    }

    @Test
    void bubble_dpo_rows_are_the_bubble_best_and_worst_with_the_both_orders_margin() {
        SparkRanking r =
                new SparkRanker(SparkRankOptions.of(MODEL).withStrategy(Strategy.BUBBLE)).rank(dataset(goodRows()));
        Map<String, Row> dpo = byId(r.dpo());
        assertThat(dpo.keySet()).containsExactlyInAnyOrderElementsOf(GOOD.keySet());
        for (var e : GOOD.entrySet()) {
            Item item = e.getValue();
            int best = ranker.selector(Strategy.BUBBLE).best(item);
            int worst = ranker.selector(Strategy.BUBBLE).worst(item);
            Row got = dpo.get(e.getKey());
            assertThat(got.getString(1)).isEqualTo(item.source());
            assertThat(got.getString(2)).isEqualTo(item.candidates().get(best));
            assertThat(got.getString(3)).isEqualTo(item.candidates().get(worst));
            float[][] m = ranker.rank(item).matrix();
            assertThat(got.getFloat(4)).isCloseTo(m[best][worst] - m[worst][best], within(1e-5f));
        }
        assertThat(byId(r.ranked()).get("hello").isNullAt(1))
                .as("bubble leaves ranks null")
                .isTrue();
        r.unpersist();
    }

    @Test
    void a_job_killed_after_its_first_round_resumes_without_duplicates() throws Exception {
        Path in = tmp.resolve("in.jsonl");
        Files.write(
                in,
                List.of(
                        line("hello", GOOD.get("hello")),
                        line("love", GOOD.get("love")),
                        "{\"id\":\"broken\",",
                        "",
                        line("france", GOOD.get("france")),
                        line("two", GOOD.get("two")),
                        line("love", GOOD.get("two"))));
        String out = tmp.resolve("ranked").toString();
        String dpo = tmp.resolve("dpo").toString();
        SparkRankJob job = new SparkRankJob(
                in.toString(), out, dpo, "json", SparkRankOptions.of(MODEL).withStrategy(Strategy.KNOCKOUT), 2);

        // killed after the first round that committed ranked rows, as a kill between two rounds would
        assertThatThrownBy(() -> job.run(spark, (round, of) -> {
                    if (spark.read().schema("id string").json(out).count() > 0) {
                        throw new IllegalStateException("killed after round " + round + " of " + of);
                    }
                }))
                .hasMessageContaining("killed after round");
        long committed = spark.read().schema("id string").json(out).count();
        assertThat(committed).as("ranked rows of the rounds before the kill").isBetween(1L, 3L);

        BatchFile.Summary s = job.run(spark);

        assertThat(s.line()).isEqualTo("read 6, ranked 4, refused 2");
        List<String> ids = ids(out);
        assertThat(ids).containsExactlyInAnyOrder("hello", "love", "france", "two");
        List<String> dpoIds = ids(dpo);
        assertThat(dpoIds).containsExactlyInAnyOrder("hello", "love", "france", "two");
        Map<Long, String> errors = new HashMap<>();
        for (Row e : spark.read().json(out + ".errors").select("line", "reason").collectAsList()) {
            errors.put(e.getLong(0), e.getString(1));
        }
        assertThat(errors).containsOnlyKeys(3L, 7L);
        assertThat(errors.get(3L)).startsWith("not JSON");
        assertThat(errors.get(7L)).startsWith("duplicate id");
        Row hello = byId(spark.read().json(out)).get("hello");
        assertThat(hello.getAs("ranks") == null).isTrue();
        assertThat((long) hello.getAs("best"))
                .isEqualTo(ranker.selector(Strategy.KNOCKOUT).best(GOOD.get("hello")));
    }

    @Test
    void a_parquet_folder_in_gives_parquet_rows_and_pairs_out() {
        String in = tmp.resolve("in.parquet").toString();
        dataset(goodRows()).write().parquet(in);
        String out = tmp.resolve("ranked").toString();
        String dpo = tmp.resolve("dpo").toString();

        BatchFile.Summary s = new SparkRankJob(in, out, dpo, "parquet", SparkRankOptions.of(MODEL), 100).run(spark);

        assertThat(s.line()).isEqualTo("read 4, ranked 4, refused 0");
        Map<String, Row> ranked = byId(spark.read().parquet(out));
        assertThat(ranked.keySet()).containsExactlyInAnyOrderElementsOf(GOOD.keySet());
        assertThat(ranked.get("love").<Integer>getList(1))
                .containsExactly(boxed(ranker.rank(GOOD.get("love")).ranks()));
        assertThat(spark.read().parquet(dpo).count()).isEqualTo(4);
    }

    /** A record line; the fixture texts need only quotes escaped. */
    static String line(String id, Item item) {
        String instruction = item.instruction() == null ? "" : ",\"instruction\":" + quoted(item.instruction());
        return "{\"id\":" + quoted(id) + ",\"input\":" + quoted(item.input()) + instruction + ",\"candidates\":["
                + String.join(
                        ",",
                        item.candidates().stream().map(SparkRankerTest::quoted).toList()) + "]}";
    }

    static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static List<String> ids(String dir) {
        return spark.read()
                .json(dir)
                .select("id")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /**
     * A hub id reaches the executors' loader, which finds the model in the Hugging Face cache: surefire points
     * {@code HF_HUB_CACHE} at a folder this test lays out in the hub's layout ({@code refs/main} naming a commit,
     * {@code snapshots/<commit>/} holding the files) and sets {@code HF_HUB_OFFLINE}, so nothing is downloaded.
     */
    @Test
    @Order(Integer.MAX_VALUE - 1)
    void a_hub_id_loads_from_the_hub_cache_on_the_executors() throws Exception {
        String cacheRoot = System.getenv("HF_HUB_CACHE");
        assertThat(cacheRoot).as("surefire sets HF_HUB_CACHE for this module").isNotNull();
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path repo = Path.of(cacheRoot, "models--llm-blender-test--pairrm-e2e");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
        for (String file : PairRanker.HUB_FILES) {
            Files.copy(Path.of(MODEL, file), snapshot.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs").resolve("main"), commit);
        int before = ExecutorModels.loaded();
        SparkRanking r = new SparkRanker(SparkRankOptions.of("llm-blender-test/pairrm-e2e")).rank(dataset(goodRows()));
        Map<String, Row> ranked = byId(r.ranked());
        assertThat(ExecutorModels.loaded()).isEqualTo(before + 1);
        for (var e : GOOD.entrySet()) {
            Ranking expected = ranker.rank(e.getValue());
            List<Float> scores = ranked.get(e.getKey()).getList(2);
            for (int i = 0; i < scores.size(); i++) {
                assertThat(scores.get(i)).as("%s[%d]", e.getKey(), i).isCloseTo(expected.scores()[i], within(1e-5f));
            }
        }
        r.unpersist();
    }

    /**
     * {@code --precision bf16} reaches the executors: a second model is loaded for it (shared by the tasks), and its
     * scores are fp32's within the bf16 error bound that {@code Bf16FidelityTest} measures on this fixture (max
     * |Δlogit| 1.24e-2, tolerance 0.03; a max_logits score averages logits, so the same bound holds). bf16 is real on
     * CPUs with bf16 units and emulated elsewhere (surefire grants it).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void bf16_ranks_on_its_own_executor_model_within_the_bf16_error_of_fp32() {
        int before = ExecutorModels.loaded();
        SparkRanking r = new SparkRanker(SparkRankOptions.of(MODEL).withPrecision("bf16")).rank(dataset(goodRows()));
        Map<String, Row> ranked = byId(r.ranked());
        assertThat(ExecutorModels.loaded()).as("one bf16 model for every task").isEqualTo(before + 1);
        float maxDiff = 0;
        for (var e : GOOD.entrySet()) {
            Ranking fp32 = ranker.rank(e.getValue());
            List<Float> scores = ranked.get(e.getKey()).getList(2);
            for (int i = 0; i < scores.size(); i++) {
                assertThat(scores.get(i)).as("%s[%d]", e.getKey(), i).isCloseTo(fp32.scores()[i], within(0.03f));
                maxDiff = Math.max(maxDiff, Math.abs(scores.get(i) - fp32.scores()[i]));
            }
        }
        assertThat(maxDiff).as("bf16 really ran: its rounding shows").isGreaterThan(1e-6f);
        r.unpersist();
    }

    static Map<String, Row> byId(Dataset<Row> rows) {
        Map<String, Row> out = new HashMap<>();
        for (Row r : rows.collectAsList()) {
            out.put(r.getAs("id"), r);
        }
        return out;
    }

    static Integer[] boxed(int[] a) {
        return java.util.Arrays.stream(a).boxed().toArray(Integer[]::new);
    }
}
