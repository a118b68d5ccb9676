package io.llmblender.ranker.select;

import io.llmblender.ranker.Item;
import java.util.List;

/** The reference's checks on ranking inputs (spec §3.1), with its messages. */
public final class Candidates {
    private Candidates() {}

    /**
     * An item must have at least one candidate.
     *
     * @param item the item to check
     * @throws IllegalArgumentException if it has no candidate
     */
    public static void check(Item item) {
        if (item.candidates().isEmpty()) {
            throw new IllegalArgumentException("Each input must have at least one candidate");
        }
    }

    /**
     * Every item has at least one candidate, and all have the same number (the reference's tensor shape).
     *
     * @param items the items to check
     * @throws IllegalArgumentException if one has no candidate or the counts differ
     */
    public static void checkSameCount(List<Item> items) {
        int c = -1;
        for (Item item : items) {
            check(item);
            if (c >= 0 && item.size() != c) {
                throw new IllegalArgumentException("Number of candidates for each input must be the same");
            }
            c = item.size();
        }
    }
}
