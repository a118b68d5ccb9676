package io.llmblender.batch;

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

    /** {@inheritDoc} */
    @Override
    public int pairRows(RankRecord record) {
        return ranker.pairRows(record.candidates().size());
    }

    @Override
    public List<String> run(List<RankRecord> chunk) {
        return ranker.rank(chunk).stream()
                .map(r -> RecordFormat.json(r).toString())
                .toList();
    }
}
