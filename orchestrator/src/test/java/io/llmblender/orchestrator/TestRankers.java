package io.llmblender.orchestrator;

import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Rankers and scorers for tests that need a ranking but not a model: longer answers are better. */
public final class TestRankers {
    private TestRankers() {}

    /** Scores are the answers' lengths. */
    public static final Ranker BY_LENGTH =
            item -> Ranking.of(item.candidates(), lengths(item.candidates()), new float[0][]);

    /** Every answer scores 0: a tie, the first in member order wins. */
    public static final Ranker TIED = item -> Ranking.of(item.candidates(), new float[item.size()], new float[0][]);

    public static float[] lengths(List<String> candidates) {
        float[] s = new float[candidates.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = candidates.get(i).length();
        }
        return s;
    }

    /** A pair scorer preferring the longer answer, f(a, b) = len(a) − len(b), counting the pair rows it scored. */
    public static final class LongerIsBetter implements PairScorer {
        public final AtomicInteger rows = new AtomicInteger();

        @Override
        public float[] logits(List<Item> items, List<Pair> pairs) {
            rows.addAndGet(pairs.size());
            float[] out = new float[pairs.size()];
            for (int k = 0; k < out.length; k++) {
                Pair p = pairs.get(k);
                List<String> c = items.get(p.item()).candidates();
                out[k] = c.get(p.first()).length() - c.get(p.second()).length();
            }
            return out;
        }
    }
}
