package io.llmblender.orchestrator.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.Item;
import java.util.List;

/**
 * The wire format of {@code POST /v1/compare}: an input and two candidates in; the logit, the reference's boolean
 * and the mode out (spec §3.3).
 */
final class CompareWire {
    private CompareWire() {}

    /** {@code {"instruction"?, "input", "a", "b", "mode"?}}; the mode defaults to both orders. */
    record Request(Item item, CompareMode mode) {
        static Request parse(JsonNode req) {
            CompareMode mode = CompareMode.fromPython(req.path("mode").asText("[A,B]+[B,A]"));
            Item item = new Item(
                    Fields.optionalText(req, "instruction"),
                    Fields.text(req, "input"),
                    List.of(Fields.text(req, "a"), Fields.text(req, "b")));
            return new Request(item, mode);
        }
    }

    record Response(float logit, boolean result, String mode) {
        static Response of(Comparison c) {
            return new Response(c.logit(), c.result(), c.mode().python());
        }
    }
}
