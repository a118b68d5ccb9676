package io.llmblender.examples;

import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranking;
import java.util.List;

/**
 * Ranks the answers of the LLM-Blender README with PairRM, then compares two of them.
 *
 * <p>Run: {@code java ... io.llmblender.examples.RankCandidates llm-blender/PairRM-hf} (a hub id, downloaded once)
 * or a local PairRM folder.
 */
public final class RankCandidates {
    private RankCandidates() {}

    /**
     * Ranks the README's answers with PairRM and compares two of them, printing the ranking and the verdict.
     *
     * @param args optionally the PairRM folder or hub id (default {@code llm-blender/PairRM-hf})
     */
    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "llm-blender/PairRM-hf";
        List<String> answers = List.of("get out!", "hi! I am fine, thanks!", "bye!");
        try (PairRanker ranker = PairRanker.load(model)) {
            Ranking ranking = ranker.rank("hello, how are you!", answers);
            int[] order = ranking.order();
            for (int i : order) {
                System.out.printf(
                        "rank %d  score %+.3f  %s%n", ranking.ranks()[i], ranking.scores()[i], answers.get(i));
            }
            Comparison c = ranker.compare("I love you!", "I hate you!", "I love you, too!", CompareMode.BOTH);
            System.out.println(c.aBetter() ? "A is better" : "B is better");
        }
    }
}
