package io.llmblender.ranker;

import java.util.List;

/**
 * Orders candidate answers to one input; the single method every ranker implements.
 *
 * <pre>{@code
 * Ranker ranker = PairRanker.load(Path.of("models/PairRM-hf"));
 * List<String> top2 = ranker.topK("What is 2+2?", List.of("4", "5", "four"), 2);
 * }</pre>
 */
public interface Ranker {
    Ranking rank(String input, List<String> candidates);

    default List<String> topK(String input, List<String> candidates, int k) {
        return rank(input, candidates).best(k);
    }
}
