package io.llmblender.ranker;

import java.util.List;
import java.util.Optional;

/**
 * What a {@link Selector} found for one item: the best candidates, best first, the full ranking when the strategy
 * computes one, and every verdict it asked for. Immutable.
 *
 * @param strategy the strategy that made the selection
 * @param best candidate indices, best first ({@code k} of them, or all if there are fewer)
 * @param ranking the full ranking, or null for strategies that find only the best
 * @param verdicts every ordered pair a pairwise strategy scored, in the order asked (empty for the full
 *     strategy, whose ranking holds the matrix)
 */
public record Selection(Strategy strategy, List<Integer> best, Ranking ranking, List<Verdict> verdicts) {
    /**
     * Copies the lists.
     *
     * @param strategy the strategy that made the selection
     * @param best candidate indices, best first
     * @param ranking the full ranking, or null
     * @param verdicts every ordered pair scored, in the order asked
     */
    public Selection {
        best = List.copyOf(best);
        verdicts = List.copyOf(verdicts);
        if (best.isEmpty()) {
            throw new IllegalArgumentException("a selection names at least one candidate");
        }
    }

    /**
     * The best candidate's index.
     *
     * @return the index
     */
    public int bestIndex() {
        return best.get(0);
    }

    /**
     * The full ranking, for strategies that compute one ({@link Strategy#ranksAll()}).
     *
     * @return the ranking, or empty for strategies that find only the best
     */
    public Optional<Ranking> rankingIfComputed() {
        return Optional.ofNullable(ranking);
    }

    /**
     * The verdict {@code f(first, second)} if this selection asked for it.
     *
     * @param first the candidate in slot 1
     * @param second the candidate in slot 2
     * @return the verdict, or empty if it was not scored
     */
    public Optional<Verdict> verdict(int first, int second) {
        return verdicts.stream()
                .filter(v -> v.first() == first && v.second() == second)
                .findFirst();
    }
}
