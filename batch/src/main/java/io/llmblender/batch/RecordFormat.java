package io.llmblender.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONL record format, one JSON object per line, read and written in one place so the CLI and the Spark job
 * agree on every field name. Reasons for refusing a line name the field and the fix. Thread-safe.
 */
public final class RecordFormat {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordFormat() {}

    /**
     * A ranking record from one line; a {@link RecordException} says why a line is not one.
     *
     * @param line one JSON line
     * @return the record
     * @throws RecordException if the line is not a valid ranking record
     */
    public static RankRecord rankRecord(String line) {
        JsonNode n = object(line);
        String id = id(n);
        JsonNode candidates = n.get("candidates");
        if (candidates == null || !candidates.isArray()) {
            throw new RecordException(id, "no \"candidates\" array; give the answers as a JSON array of strings");
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode c : candidates) {
            if (!c.isTextual()) {
                throw new RecordException(id, "candidate " + texts.size() + " is not a string");
            }
            texts.add(c.asText());
        }
        return new RankRecord(id, text(n, "instruction", id), text(n, "input", id), texts);
    }

    /**
     * A comparison record from one line.
     *
     * @param line one JSON line
     * @return the record
     * @throws RecordException if the line is not a valid comparison record
     */
    public static CompareRecord compareRecord(String line) {
        JsonNode n = object(line);
        String id = id(n);
        return new CompareRecord(
                id, text(n, "instruction", id), text(n, "input", id), text(n, "a", id), text(n, "b", id));
    }

    /**
     * The id of an output or input line, or null when the line is no JSON object with an id.
     *
     * @param line one line
     * @return the id as text, or null
     */
    public static String idOf(String line) {
        try {
            JsonNode n = JSON.readTree(line);
            return n != null && n.isObject() && n.hasNonNull("id") ? n.get("id").asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /**
     * The JSON object {@code {"id", "ranks", "scores", "best", "worst"}} (and "matrix" when computed).
     *
     * @param r a ranking result
     * @return the output object
     */
    public static ObjectNode json(RankResult r) {
        ObjectNode o = JSON.createObjectNode().put("id", r.id());
        int[] ranks = r.ranks();
        float[] scores = r.scores();
        if (ranks == null) {
            o.putNull("ranks");
            o.putNull("scores");
        } else {
            ArrayNode rs = o.putArray("ranks");
            ArrayNode ss = o.putArray("scores");
            for (int i = 0; i < ranks.length; i++) {
                rs.add(ranks[i]);
                ss.add(scores[i]);
            }
        }
        o.put("best", r.best()).put("worst", r.worst());
        if (r.matrix() != null) {
            ArrayNode m = o.putArray("matrix");
            for (float[] row : r.matrix()) {
                ArrayNode a = m.addArray();
                for (float v : row) {
                    a.add(v);
                }
            }
        }
        return o;
    }

    /**
     * The JSON object {@code {"id", "logit", "a_better"}}.
     *
     * @param id the record's id
     * @param logit the comparison's logit
     * @param aBetter whether A is the better answer
     * @return the output object
     */
    public static ObjectNode json(String id, float logit, boolean aBetter) {
        return JSON.createObjectNode().put("id", id).put("logit", logit).put("a_better", aBetter);
    }

    /**
     * An errors-file line, {@code {"line", "id", "reason"}}; id null when the line had none.
     *
     * @param line the input line's number, from 1
     * @param id the record's id, or null
     * @param reason why the line was refused
     * @return one JSON line
     */
    public static String errorLine(long line, String id, String reason) {
        ObjectNode o = JSON.createObjectNode().put("line", line);
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        return o.put("reason", reason).toString();
    }

    private static JsonNode object(String line) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new RecordException(null, "not JSON: " + e.getOriginalMessage());
        }
        if (n == null || !n.isObject()) {
            throw new RecordException(null, "not a JSON object; each line must be one record {\"id\": ..., ...}");
        }
        return n;
    }

    private static String id(JsonNode n) {
        JsonNode id = n.get("id");
        if (id == null || id.isNull()) {
            throw new RecordException(null, "no \"id\"; every record needs a unique id (a string or a number)");
        }
        if (!id.isTextual() && !id.isIntegralNumber()) {
            throw new RecordException(null, "\"id\" must be a string or an integer, was " + id.getNodeType());
        }
        return id.asText();
    }

    private static String text(JsonNode n, String field, String id) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new RecordException(id, "\"" + field + "\" must be a string, was " + v.getNodeType());
        }
        return v.asText();
    }
}
