package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blender spark rank} in-process, Spark embedded in local mode, on the README's example file: the ranks
 * of {@link PairRanker} for every good record, the empty one refused, the summary as the last stderr line.
 */
class SparkRankCommandTest {
    @TempDir
    Path tmp;

    @Test
    void spark_rank_on_the_readme_example_writes_the_rankers_ranks_and_the_errors() throws Exception {
        Path out = tmp.resolve("ranked");
        CliRun cli = new CliRun();
        int code = cli.run(
                "spark",
                "rank",
                "--model",
                RankCompareCommandTest.MODEL.toString(),
                "--batch",
                "../examples/batch/rank.jsonl",
                "--output",
                out.toString(),
                "--dpo",
                tmp.resolve("dpo").toString());
        assertThat(code).as(cli.err.toString()).isZero();
        List<String> err = cli.err.toString().strip().lines().toList();
        assertThat(err.get(err.size() - 1)).isEqualTo("read 4, ranked 3, refused 1");
        Map<String, JsonNode> rows = new HashMap<>();
        for (JsonNode r : jsonLines(out)) {
            rows.put(r.get("id").asText(), r);
        }
        assertThat(rows).containsOnlyKeys("hello", "love", "france");
        try (PairRanker ranker = PairRanker.load(RankCompareCommandTest.MODEL)) {
            Ranking hello =
                    ranker.rank(new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!")));
            assertThat(new ObjectMapper().convertValue(rows.get("hello").get("ranks"), int[].class))
                    .containsExactly(hello.ranks());
        }
        assertThat(jsonLines(Path.of(out + ".errors")).get(0).get("id").asText())
                .isEqualTo("empty");
        assertThat(jsonLines(tmp.resolve("dpo"))).hasSize(3);
    }

    static List<JsonNode> jsonLines(Path dir) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("part-"))
                    .toList()) {
                for (String l : Files.readAllLines(f)) {
                    out.add(new ObjectMapper().readTree(l));
                }
            }
        }
        return out;
    }
}
