package io.llmblender.spark;

import io.llmblender.batch.RankRecord;
import io.llmblender.batch.RecordException;
import io.llmblender.batch.RecordFormat;
import io.llmblender.batch.RecordRules;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Turns input rows into {@link Schemas#CHECKED} rows with the batch format's own checks and reasons: JSONL lines
 * through {@link RecordFormat} (so a line is refused exactly as {@code blender rank --batch} refuses it), or
 * dataset rows by their columns.
 */
final class RecordChecks {
    private RecordChecks() {}

    /** {@link Schemas#LINES} rows in. */
    static MapPartitionsFunction<Row, Row> jsonLines(int maxCandidates) {
        return rows -> map(rows, row -> {
            long line = row.getLong(0);
            try {
                return checked(line, RecordFormat.rankRecord(row.getString(1)), maxCandidates);
            } catch (RecordException e) {
                return refused(line, e);
            }
        });
    }

    /** Rows with columns {@code id} (cast to string), {@code input}, {@code instruction}, {@code candidates}. */
    static MapPartitionsFunction<Row, Row> columns(int maxCandidates) {
        return rows -> map(rows, row -> {
            try {
                List<String> candidates = row.isNullAt(3) ? List.of() : row.getList(3);
                return checked(
                        null,
                        new RankRecord(row.getString(0), row.getString(2), row.getString(1), candidates),
                        maxCandidates);
            } catch (RecordException e) {
                return refused(null, e);
            }
        });
    }

    private static Row checked(Long line, RankRecord r, int maxCandidates) {
        r.check(new RecordRules(maxCandidates));
        return RowFactory.create(
                line, r.id(), r.instruction(), r.input(), r.candidates().toArray(new String[0]), null);
    }

    private static Row refused(Long line, RecordException e) {
        return RowFactory.create(line, e.id(), null, null, null, e.getMessage());
    }

    private interface RowMap {
        Row apply(Row row);
    }

    private static Iterator<Row> map(Iterator<Row> rows, RowMap f) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                return f.apply(rows.next());
            }
        };
    }
}
