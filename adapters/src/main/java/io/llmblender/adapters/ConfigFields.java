package io.llmblender.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.DidYouMean;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
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

    /** The known field nearest to {@code field}, if it is near enough to be a slip. */
    static String nearest(String field, Set<String> known) {
        return DidYouMean.nearest(field, known).orElse(null);
    }

    /**
     * The value of {@code node.field} among {@code values}, by name as written; {@code fallback} when the field is
     * absent. A wrong value adds a problem naming the allowed ones and, for a slip, the one meant.
     */
    static <T> T choice(
            JsonNode node,
            String field,
            String at,
            T fallback,
            T[] values,
            java.util.function.Function<T, String> name,
            List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        List<String> names = java.util.Arrays.stream(values).map(name).toList();
        for (T value : values) {
            if (name.apply(value).equals(v.asText()) && v.isTextual()) {
                return value;
            }
        }
        String near = v.isTextual()
                ? DidYouMean.nearest(v.asText(), names)
                        .map(n -> "; did you mean '" + n + "'?")
                        .orElse("")
                : "";
        problems.add("field '" + at + "." + field + "' is " + v + "; use one of " + String.join(", ", names) + near);
        return fallback;
    }

    /** The file's text; invalid UTF-8 is refused with the byte offset to look at, not replaced. */
    static String utf8(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new ConfigException(
                    file,
                    null,
                    "is not valid UTF-8: byte offset " + in.position() + " starts a malformed sequence of " + r.length()
                            + " byte(s); save the file as UTF-8");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** A string field: absent gives null (a problem if required), anything but a non-blank string a problem. */
    static String text(JsonNode node, String field, String at, boolean required, List<String> problems) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                problems.add("field '" + at + "." + field + "' is missing");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            problems.add("field '" + at + "." + field + "' must be a non-empty string, was " + v);
            return null;
        }
        return v.asText();
    }

    /** An integer field from {@code min} to {@code max}; absent gives {@code fallback}, out of range a problem. */
    static int integer(JsonNode node, String field, String at, int fallback, int min, int max, List<String> problems) {
        JsonNode v = node.get(field);
        String where = at.isEmpty() ? field : at + "." + field;
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            problems.add("field '" + where + "' is " + v + "; it must be an integer from " + min + " to " + max);
            return fallback;
        }
        return v.asInt();
    }
}
