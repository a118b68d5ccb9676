package io.llmblender.batch;

import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.PairScorer;
import java.util.ArrayList;
import java.util.List;

/**
 * The job of {@code blender compare --batch}: comparison records in, {@code {"id","logit","a_better"}} out.
 *
 * @param scorer compares each record's two answers
 * @param mode which orders are scored
 */
public record CompareJob(PairScorer scorer, CompareMode mode) implements BatchFile.Job<CompareRecord> {
    @Override
    public CompareRecord parse(String line) {
        return RecordFormat.compareRecord(line);
    }

    @Override
    public String id(CompareRecord record) {
        return record.id();
    }

    @Override
    public int pairRows(CompareRecord record) {
        return mode == CompareMode.BOTH ? 2 : 1;
    }

    @Override
    public List<String> run(List<CompareRecord> chunk) {
        List<Comparison> cs =
                scorer.compare(chunk.stream().map(CompareRecord::item).toList(), mode);
        List<String> out = new ArrayList<>(chunk.size());
        for (int i = 0; i < chunk.size(); i++) {
            Comparison c = cs.get(i);
            out.add(RecordFormat.json(chunk.get(i).id(), c.logit(), c.aBetter()).toString());
        }
        return out;
    }
}
