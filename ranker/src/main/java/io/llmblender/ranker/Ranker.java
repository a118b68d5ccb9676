package io.llmblender.ranker;

import java.util.ArrayList;
import java.util.List;

/**
 * Orders candidate answers to one input; the single method every ranker implements.
 *
 * <pre>{@code
 * Ranker ranker = PairRanker.load(Path.of("models/PairRM-hf"));
 * Ranking r = ranker.rank(new Item("What is 2+2?", List.of("4", "5", "four")));
 * List<String> top2 = r.best(2);
 * Ranking chats = ranker.rankConversations(List.of(conversationA, conversationB, conversationC));
 * }</pre>
 *
 * <p>Python: {@code Blender.rank(inputs, candidates, instructions, return_scores)}.
 *
 * <p>Implementations must be thread-safe: a Blender serving requests calls one ranker from every request thread at
 * once. The project's ({@code PairRanker}, {@code DebertaRewardModel}, {@code ConsensusRanker}) are.
 */
public interface Ranker {
    /**
     * The candidates of {@code item}, scored and ranked (1 = best).
     *
     * @param item the input and its candidates
     * @return the scores and ranks, in candidate order
     */
    Ranking rank(Item item);

    /**
     * {@link #rank(Item)} of an input without instruction.
     *
     * @param input the prompt the candidates answer
     * @param candidates the answers to rank
     * @return the scores and ranks, in candidate order
     */
    default Ranking rank(String input, List<String> candidates) {
        return rank(new Item(input, candidates));
    }

    /**
     * Many inputs; implementations that batch across inputs override this.
     *
     * @param items the inputs, each with its candidates
     * @return one ranking per item, in order
     */
    default List<Ranking> rank(List<Item> items) {
        List<Ranking> out = new ArrayList<>(items.size());
        for (Item item : items) {
            out.add(rank(item));
        }
        return out;
    }

    /**
     * Orders multi-turn conversations that share their user turns and differ in the assistant's (spec §2.8), as
     * {@code compare_conversations} lays them out: the user turns become the input, each conversation's
     * assistant turns its candidate.
     *
     * @param conversations one or more conversations with the same user turns
     * @return the ranking of the conversations, in their order
     */
    default Ranking rankConversations(List<List<Turn>> conversations) {
        return rank(Conversations.item(conversations));
    }

    /**
     * The best {@code k} candidates, best first.
     *
     * @param input the prompt the candidates answer
     * @param candidates the answers
     * @param k how many to keep
     * @return at most {@code k} candidates, best first
     */
    default List<String> topK(String input, List<String> candidates, int k) {
        return rank(input, candidates).best(k);
    }
}
