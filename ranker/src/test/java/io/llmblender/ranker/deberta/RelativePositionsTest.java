package io.llmblender.ranker.deberta;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.ranker.pairrm.PairRmFixture;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The log-bucket function and the relative-position matrices against the reference's own tables, in the folder
 * {@code -Dpairrm.fixtures} names (default the project's copy of shared/fixtures/pairrm-tiny), for that folder's
 * {@code config.json} and the real PairRM's.
 */
class RelativePositionsTest {
    static Path folder() {
        return PairRmFixture.folder("pairrm.fixtures", "fixtures/pairrm-tiny");
    }

    static JsonNode intermediates() throws IOException {
        return new ObjectMapper()
                .readTree(folder().resolve("intermediates.json").toFile());
    }

    @Test
    void buckets_match_the_reference_table_for_the_fixture_and_the_real_pairrm_config() throws IOException {
        JsonNode tables = intermediates().get("log_bucket_table");
        for (String config : new String[] {"this_config", "real_pairrm"}) {
            JsonNode t = tables.get(config);
            RelativePositions positions = new RelativePositions(
                    t.get("bucket_size").asInt(),
                    t.get("max_position").asInt(),
                    t.get("bucket_size").asInt());
            JsonNode values = t.get("values");
            assertThat(values.size()).isEqualTo(4095);
            for (int i = 0; i < values.size(); i++) {
                int delta = i - 2047;
                assertThat(positions.bucket(delta))
                        .as("%s, δ = %d", config, delta)
                        .isEqualTo(values.get(i).asInt());
            }
        }
    }

    @Test
    void spec_examples_for_the_real_pairrm_hold() {
        RelativePositions pairRm = new RelativePositions(DebertaV2Config.debertaV3Large(128005));
        int[][] examples = {
            {129, 129}, {200, 169}, {255, 192}, {256, 192}, {300, 207}, {511, 255}, {512, 256}, {1000, 317}, {2047, 383}
        };
        for (int[] e : examples) {
            assertThat(pairRm.bucket(e[0])).as("bucket(%d)", e[0]).isEqualTo(e[1]);
            assertThat(pairRm.bucket(-e[0])).as("bucket(-%d)", e[0]).isEqualTo(-e[1]);
        }
        assertThat(pairRm.index(0, 2047)).as("clamped low").isZero();
        assertThat(pairRm.index(2047, 0)).as("clamped high").isEqualTo(511);
    }

    @Test
    void relative_position_matrices_match_the_reference() throws IOException {
        JsonNode in = intermediates();
        // the folder's own config (pairrm-tiny: 16 buckets, max_relative_positions -1 -> 512)
        RelativePositions positions = new RelativePositions(DebertaV2Config.read(folder().resolve("config.json")));
        JsonNode shortMatrix = in.get("relative_pos");
        JsonNode longMatrix = in.get("relative_pos_long").get("values");
        for (JsonNode matrix : new JsonNode[] {shortMatrix, longMatrix}) {
            for (int i = 0; i < matrix.size(); i++) {
                for (int j = 0; j < matrix.size(); j++) {
                    assertThat(positions.bucket(i - j))
                            .isEqualTo(matrix.get(i).get(j).asInt());
                }
            }
        }
    }

    /**
     * A pass's tables against the bucket function evaluated per pair (checked against the reference above): the
     * {@code [L, L]} index, and p2c's position-major index {@code index(i, j)·n + j} for a full-length row (a view of
     * the pass's table) and for a shorter packed row (computed for its own n).
     */
    @Test
    void pass_tables_hold_the_index_and_the_position_major_p2c_index_for_every_row_length() {
        RelativePositions pairRm = new RelativePositions(DebertaV2Config.debertaV3Large(128005));
        int length = 300; // past the log-bucket start (128), so runs of one bucket occur
        try (NDManager manager = NDManager.newBaseManager()) {
            RelativePositions.Tables tables = pairRm.tables(manager, length, true);
            long[] index = tables.index().toLongArray();
            for (int i = 0; i < length; i++) {
                for (int j = 0; j < length; j++) {
                    assertThat(index[i * length + j]).as("index(%d, %d)", i, j).isEqualTo(pairRm.index(i, j));
                }
            }
            for (int n : new int[] {length, 173, 1}) {
                try (NDArray p2c = tables.p2c(n)) {
                    assertThat(p2c.getShape().getShape()).containsExactly(n, n);
                    long[] values = p2c.toLongArray();
                    for (int i = 0; i < n; i++) {
                        for (int j = 0; j < n; j++) {
                            assertThat(values[i * n + j])
                                    .as("n = %d, (%d, %d)", n, i, j)
                                    .isEqualTo((long) pairRm.index(i, j) * n + j);
                        }
                    }
                }
            }
            assertThat(pairRm.tables(manager, length, false).p2c())
                    .as("no p2c, no table")
                    .isNull();
        }
    }
}
