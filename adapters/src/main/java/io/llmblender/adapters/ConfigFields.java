package io.llmblender.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The checks every object of an ensemble file gets: no field the reader does not know (with the nearest known name
 * as a "did you mean"), and no secret written into the file. Stateless.
 */
final class ConfigFields {
    /** Words that name a credential in a field's name; such a field is refused and its value never echoed. */
    private static final List<String> SECRET_WORDS =
            List.of("key", "token", "secret", "password", "passwd", "authorization", "bearer", "credential");

    private ConfigFields() {}

    /**
     * Adds a problem for every field of {@code node} (an object at {@code at}, "" for the top level) not in
     * {@code known}: a secret, with the environment-variable fix, or a misspelling, with the nearest known field.
     */
    static void checkUnknown(JsonNode node, String at, Set<String> known, List<String> problems) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (known.contains(field)) {
                continue;
            }
            String where = at.isEmpty() ? field : at + "." + field;
            if (looksSecret(field)) {
                problems.add("field '" + where + "' holds a secret in the file; keep keys out of config files: export"
                        + " it as an environment variable and name that variable, e.g. \"api_key_env\":"
                        + " \"OPENAI_API_KEY\"");
                continue;
            }
            String near = nearest(field, known);
            problems.add("field '" + where + "' is unknown"
                    + (near == null
                            ? "; the fields here are " + new java.util.TreeSet<>(known)
                            : "; did you mean '" + near + "'?"));
        }
    }

    /** Whether a field's name says it holds a credential. */
    static boolean looksSecret(String field) {
        String f = field.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
        return SECRET_WORDS.stream().anyMatch(f::contains);
    }

    /** Whether a value looks like a key itself rather than the name of a variable (providers' key prefixes). */
    static boolean looksLikeKey(String value) {
        return !value.matches("[A-Za-z_][A-Za-z0-9_]*") || value.matches("(sk|hf|xai|gsk|AIza)[-_A-Za-z0-9]{16,}");
    }

    /** The known field nearest to {@code field}, if it is near enough to be a slip: a few edits, or a long prefix. */
    static String nearest(String field, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(field, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        if (best == null) {
            return null;
        }
        return bestDistance <= 3 || commonPrefix(field, best) >= 6 ? best : null;
    }

    /** Levenshtein distance (insertions, deletions, substitutions). */
    static int distance(String a, String b) {
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
