package io.llmblender.runtime;

import java.util.Collection;
import java.util.Optional;

/**
 * The "did you mean" of every name a user types (configuration fields, option values, commands): the known name
 * nearest to a typo, if it is near enough to be a slip. Stateless.
 */
public final class DidYouMean {
    private DidYouMean() {}

    /**
     * The known name nearest to {@code typed} among those near enough to be a slip: at most 3 edits away, sharing a
     * prefix of 6 characters, or starting with what was typed (3 characters or more: "median" for median_length).
     *
     * @param typed what the user typed
     * @param known the valid names
     * @return the nearest valid name (the first of equally near ones), or empty if none is near enough
     */
    public static Optional<String> nearest(String typed, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typed, k);
            boolean slip = d <= 3 || commonPrefix(typed, k) >= 6 || (typed.length() >= 3 && k.startsWith(typed));
            if (slip && d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Levenshtein distance (insertions, deletions, substitutions).
     *
     * @param a one string
     * @param b the other
     * @return the fewest single-character edits that turn {@code a} into {@code b}
     */
    public static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static int commonPrefix(String a, String b) {
        int n = 0;
        while (n < a.length() && n < b.length() && a.charAt(n) == b.charAt(n)) {
            n++;
        }
        return n;
    }
}
