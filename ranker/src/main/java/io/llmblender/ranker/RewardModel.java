package io.llmblender.ranker;

import java.util.List;

/**
 * A scalar reward per candidate, higher is better: what RLHF pipelines, rerankers and langchain4j's
 * {@code ScoringModel} need. A pointwise reward model's rewards are absolute; PairRM's are relative to the other
 * candidates of the same item (its max_logits scores, spec §3.2), so compare them only within one item.
 *
 * <pre>{@code
 * RewardModel rm = RankingModels.load("OpenAssistant/reward-model-deberta-v3-large-v2");
 * float[] rewards = rm.rewards(new Item("Explain gravity.", List.of(answerA, answerB)));
 * }</pre>
 *
 * <p>Implementations must be thread-safe, as every capability interface of this package; {@code PairRanker} and {@code
 * DebertaRewardModel} are.
 */
public interface RewardModel {
    /**
     * One reward per candidate of {@code item}, in candidate order.
     *
     * @param item the input and its candidates
     * @return one reward per candidate; higher is better
     */
    float[] rewards(Item item);

    /**
     * {@link #rewards(Item)} of an input without instruction.
     *
     * @param input the prompt the candidates answer
     * @param candidates the answers
     * @return one reward per candidate
     */
    default float[] rewards(String input, List<String> candidates) {
        return rewards(new Item(input, candidates));
    }
}
