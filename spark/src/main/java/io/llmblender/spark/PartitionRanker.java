package io.llmblender.spark;

import io.llmblender.batch.BatchRanker;
import io.llmblender.batch.RankRecord;
import io.llmblender.batch.RankResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Ranks one partition of {@link Schemas#CHECKED} rows into {@link Schemas#RESULT} rows: the partition's records
 * sorted by length and cut into chunks of about {@code chunkPairRows} pair rows, each chunk one call to the
 * executor's shared model, which packs it into forward passes by its token budget. A chunk the model fails on is
 * redone record by record, so only the failing record is refused, with the model's reason. Refused rows pass
 * through. Each result depends on its row alone (start orders come from the seed and the row's content), so a
 * retried task writes the same rows.
 */
final class PartitionRanker implements MapPartitionsFunction<Row, Row> {
    private final SparkRankOptions options;

    PartitionRanker(SparkRankOptions options) {
        this.options = options;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        List<Row> out = new ArrayList<>();
        List<RankRecord> records = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        while (rows.hasNext()) {
            Row r = rows.next();
            if (!r.isNullAt(5)) {
                out.add(error(r.isNullAt(0) ? null : r.getLong(0), r.getString(1), r.getString(5)));
            } else {
                records.add(new RankRecord(r.getString(1), r.getString(2), r.getString(3), r.getList(4)));
                lines.add(r.isNullAt(0) ? null : r.getLong(0));
            }
        }
        if (records.isEmpty()) {
            return out.iterator();
        }
        Integer[] order = new Integer[records.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(
                order, Comparator.comparingLong(i -> records.get(i).length()));
        BatchRanker ranker = new BatchRanker(
                ExecutorModels.get(options), options.strategy(), options.seed(), options.withMatrix(), true);
        List<Integer> chunk = new ArrayList<>();
        long rowsInChunk = 0;
        for (int k = 0; k < order.length; k++) {
            chunk.add(order[k]);
            rowsInChunk += ranker.pairRows(records.get(order[k]).candidates().size());
            if (rowsInChunk >= options.chunkPairRows() || k == order.length - 1) {
                rank(ranker, chunk, records, lines, out);
                chunk.clear();
                rowsInChunk = 0;
            }
        }
        return out.iterator();
    }

    private void rank(
            BatchRanker ranker, List<Integer> chunk, List<RankRecord> records, List<Long> lines, List<Row> out) {
        List<RankRecord> rs = chunk.stream().map(records::get).toList();
        try {
            List<RankResult> results = ranker.rank(rs);
            for (int i = 0; i < rs.size(); i++) {
                out.add(result(lines.get(chunk.get(i)), rs.get(i), results.get(i)));
            }
        } catch (RuntimeException chunkFailed) {
            for (int i = 0; i < rs.size(); i++) {
                Long line = lines.get(chunk.get(i));
                try {
                    out.add(result(
                            line, rs.get(i), ranker.rank(List.of(rs.get(i))).get(0)));
                } catch (RuntimeException e) {
                    out.add(error(line, rs.get(i).id(), String.valueOf(e.getMessage())));
                }
            }
        }
    }

    private static Row result(Long line, RankRecord record, RankResult r) {
        return RowFactory.create(
                line,
                r.id(),
                boxed(r.ranks()),
                boxed(r.scores()),
                r.best(),
                r.worst(),
                r.matrix() == null ? null : boxed(r.matrix()),
                record.item().source(),
                record.candidates().get(r.best()),
                record.candidates().get(r.worst()),
                r.margin(),
                null);
    }

    private static Row error(Long line, String id, String reason) {
        return RowFactory.create(line, id, null, null, null, null, null, null, null, null, null, reason);
    }

    private static Integer[] boxed(int[] a) {
        if (a == null) {
            return null;
        }
        Integer[] out = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static Float[] boxed(float[] a) {
        if (a == null) {
            return null;
        }
        Float[] out = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }

    private static Float[][] boxed(float[][] m) {
        Float[][] out = new Float[m.length][];
        for (int i = 0; i < m.length; i++) {
            out[i] = boxed(m[i]);
        }
        return out;
    }
}
