package io.llmblender.ranker;

import io.llmblender.ranker.select.BubbleSelection;
import io.llmblender.ranker.select.KnockoutTournament;
import io.llmblender.ranker.select.RankingSelector;
import io.llmblender.ranker.select.TournamentTopK;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a {@link Selector} finds the best (or top-K) of C candidates, named as the configuration and the CLI name
 * them. Counts are pair rows, i.e. ordered pairs scored; each duel scores both orders.
 */
public enum Strategy {
    /** Every ordered pair, C·(C−1) rows, aggregated to a full ranking (the reference's {@code rank}). */
    FULL("full"),
    /**
     * Bubble selection, 2·(C−1) rows in C−1 passes, the best only (the reference's {@code get_best_of_n}),
     * started from an order derived from the seed and the item's content.
     */
    BUBBLE("bubble"),
    /** A knockout tournament: every duel of a round in one pass, 2·(C−1) rows in ⌈log₂C⌉ passes, the best only. */
    KNOCKOUT("knockout"),
    /**
     * The best K by tournament selection: a knockout for the best, then for each next place a knockout among
     * the candidates beaten only by those already placed; duels already fought are reused. About
     * 2·(C−1 + (K−1)·⌈log₂C⌉) rows instead of C·(C−1).
     */
    TOP_K("top-k");

    private final String configName;

    Strategy(String configName) {
        this.configName = configName;
    }

    /**
     * The name in configuration files and on the command line.
     *
     * @return the name, e.g. {@code full}
     */
    public String configName() {
        return configName;
    }

    /**
     * Whether the selection also orders every candidate (a {@link Ranking}), not only the best.
     *
     * @return true if {@link Selection#rankingIfComputed()} is present
     */
    public boolean ranksAll() {
        return this == FULL;
    }

    /**
     * Whether the strategy can return more than one best candidate.
     *
     * @return true if {@code k > 1} is allowed
     */
    public boolean selectsTopK() {
        return this == FULL || this == TOP_K;
    }

    /**
     * Parses a configuration name; a wrong one is refused with the allowed list.
     *
     * @param name a configuration name, e.g. {@code bubble}
     * @return the strategy
     */
    public static Strategy fromName(String name) {
        for (Strategy s : values()) {
            if (s.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + name + "'; use one of "
                + Arrays.stream(values()).map(Strategy::configName).collect(Collectors.joining(", ")));
    }

    /**
     * This strategy over {@code scorer}; for {@link #FULL} over {@code ranker}, whose ranking it keeps. Seeded
     * strategies take their start order from {@code seed} and the item's content ({@link StartOrder}).
     *
     * @param ranker the ranker {@link #FULL} uses
     * @param scorer the scorer the pairwise strategies use
     * @param seed the start-order seed
     * @return the selector
     */
    public Selector selector(Ranker ranker, PairScorer scorer, long seed) {
        return switch (this) {
            case FULL -> new RankingSelector(ranker);
            case BUBBLE -> new BubbleSelection(scorer, seed);
            case KNOCKOUT -> new KnockoutTournament(scorer, seed);
            case TOP_K -> new TournamentTopK(scorer, seed);
        };
    }
}
