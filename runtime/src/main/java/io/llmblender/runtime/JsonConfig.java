package io.llmblender.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face style {@code config.json}, read field by field with errors that name the file and the field.
 * Unknown fields are ignored, as transformers does. Immutable; thread-safe.
 */
public final class JsonConfig {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    private JsonConfig(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /**
     * Reads {@code file}; a missing, unreadable or non-object file is a {@link ConfigException}.
     *
     * @param file the {@code config.json} to read
     * @return the parsed configuration
     */
    public static JsonConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, null, "does not exist; a model folder needs its config.json");
        }
        try {
            return of(file, JSON.readTree(Files.readString(file)));
        } catch (JsonProcessingException e) {
            throw new ConfigException(file, null, "is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(file, null, "cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Wraps an already parsed object; {@code file} is only named in messages and may be null.
     *
     * @param file the file the object came from, or null
     * @param root the parsed JSON; must be an object
     * @return the configuration
     */
    public static JsonConfig of(Path file, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new ConfigException(file, null, "is not a JSON object");
        }
        return new JsonConfig(file, root);
    }

    /**
     * The file the configuration came from, for messages.
     *
     * @return the file, or null if the configuration was not read from one
     */
    public Path file() {
        return file;
    }

    /**
     * Whether {@code field} is present and not null.
     *
     * @param field the field
     * @return true if the configuration sets it
     */
    public boolean has(String field) {
        JsonNode n = root.get(field);
        return n != null && !n.isNull();
    }

    /**
     * A required integer field.
     *
     * @param field the field, e.g. {@code hidden_size}
     * @return the field's value
     * @throws ConfigException if the field is absent, null, not an integer or out of {@code int} range
     */
    public int intValue(String field) {
        JsonNode n = required(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ConfigException(file, field, "is " + n + "; expected an integer");
        }
        return n.intValue();
    }

    /**
     * An integer field, or {@code fallback} if it is absent or null.
     *
     * @param field the field
     * @param fallback the value when absent
     * @return the field's value
     * @throws ConfigException if the field is present and not an integer
     */
    public int intValue(String field, int fallback) {
        return has(field) ? intValue(field) : fallback;
    }

    /**
     * A required integer field that must be at least 1 (a size or a count).
     *
     * @param field the field, e.g. {@code num_hidden_layers}
     * @return the field's value
     * @throws ConfigException if the field is absent, not an integer, or not positive
     */
    public int positiveInt(String field) {
        int v = intValue(field);
        if (v <= 0) {
            throw new ConfigException(file, field, "is " + v + "; expected a positive integer");
        }
        return v;
    }

    /**
     * A number field, or {@code fallback} if it is absent or null.
     *
     * @param field the field, e.g. {@code layer_norm_eps}
     * @param fallback the value when absent
     * @return the field's value
     * @throws ConfigException if the field is not a number
     */
    public double doubleValue(String field, double fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode n = root.get(field);
        if (!n.isNumber()) {
            throw new ConfigException(file, field, "is " + n + "; expected a number");
        }
        return n.doubleValue();
    }

    /**
     * A boolean field, or {@code fallback} if it is absent or null.
     *
     * @param field the field
     * @param fallback the value when absent
     * @return the field's value
     * @throws ConfigException if the field is not {@code true} or {@code false}
     */
    public boolean boolValue(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonNode n = root.get(field);
        if (!n.isBoolean()) {
            throw new ConfigException(file, field, "is " + n + "; expected true or false");
        }
        return n.booleanValue();
    }

    /**
     * A string field.
     *
     * @param field the field, e.g. {@code hidden_act}
     * @return the field's value, or empty if it is absent or null
     * @throws ConfigException if the field is present and not a string
     */
    public Optional<String> string(String field) {
        if (!has(field)) {
            return Optional.empty();
        }
        JsonNode n = root.get(field);
        if (!n.isTextual()) {
            throw new ConfigException(file, field, "is " + n + "; expected a string");
        }
        return Optional.of(n.textValue());
    }

    /**
     * A list of strings, accepting also one string split at {@code separator} (transformers allows both).
     *
     * @param field the field, e.g. {@code activation}
     * @param separator a regular expression the one-string form is split at, e.g. {@code "\\|"}
     * @return the strings, stripped and lower-cased; empty if the field is absent
     */
    public List<String> stringList(String field, String separator) {
        if (!has(field)) {
            return List.of();
        }
        JsonNode n = root.get(field);
        List<String> out = new ArrayList<>();
        if (n.isTextual()) {
            for (String part : n.textValue().toLowerCase().split(separator)) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        } else if (n.isArray()) {
            for (JsonNode item : n) {
                if (!item.isTextual()) {
                    throw new ConfigException(file, field, "is " + n + "; expected a list of strings");
                }
                out.add(item.textValue().strip().toLowerCase());
            }
        } else {
            throw new ConfigException(file, field, "is " + n + "; expected a string or a list of strings");
        }
        return List.copyOf(out);
    }

    /**
     * The number of entries of an object or array field (e.g. {@code id2label}), or 0 if absent.
     *
     * @param field the field, e.g. {@code id2label}
     * @return the entry count, or 0 if the field is absent or null
     */
    public int entries(String field) {
        if (!has(field)) {
            return 0;
        }
        JsonNode n = root.get(field);
        if (!n.isObject() && !n.isArray()) {
            throw new ConfigException(file, field, "is " + n + "; expected an object or a list");
        }
        return n.size();
    }

    private JsonNode required(String field) {
        if (!has(field)) {
            throw new ConfigException(file, field, "is missing");
        }
        return root.get(field);
    }
}
