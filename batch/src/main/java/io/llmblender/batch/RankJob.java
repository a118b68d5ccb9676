package io.llmblender.batch;

import io.llmblender.ranker.Strategy;
import java.util.List;

/**
 * The job of {@code blender rank --batch}: ranking records in, {@link RankResult} lines out.
 *
 * @param ranker ranks the records in chunks
 * @param rules the caps every record must respect
 */
public record RankJob(BatchRanker ranker, RecordRules rules) implements BatchFile.Job<RankRecord> {
    @Override
    public RankRecord parse(String line) {
        return RecordFormat.rankRecord(line).check(rules);
    }

    @Override
    public String id(RankRecord record) {
        return record.id();
    }

    /** Full: C·(C−1) rows; bubble and knockout: 2·(C−1) for the best and as many for the worst. */
    @Override
    public int pairRows(RankRecord record) {
        int c = record.candidates().size();
        return ranker.strategy() == Strategy.FULL ? c * (c - 1) : 4 * (c - 1);
    }

    @Override
    public List<String> run(List<RankRecord> chunk) {
        return ranker.rank(chunk).stream()
                .map(r -> RecordFormat.json(r).toString())
                .toList();
    }
}
