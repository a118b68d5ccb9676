package io.llmblender.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What {@link SparkRanker#rank} returns, three views of one cached result (ranked once, whichever are written).
 *
 * @param ranked {@code id, ranks, scores, best, worst} (and {@code matrix} on request), as {@code rank --batch}
 *     writes; ranks and scores null for bubble and knockout
 * @param errors {@code line, id, reason} of every refused row (line null for rows that came from a dataset)
 * @param dpo {@code id, prompt, chosen, rejected, margin}: the best and the worst candidate of every ranked row
 *     with at least two, margin = f(chosen, rejected) − f(rejected, chosen)
 * @param all every row, ranked or refused: the cached result the three others are views of
 */
public record SparkRanking(Dataset<Row> ranked, Dataset<Row> errors, Dataset<Row> dpo, Dataset<Row> all) {
    /** Frees the cached result; the views read their input again if used afterwards. */
    public void unpersist() {
        all.unpersist();
    }
}
