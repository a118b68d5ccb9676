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

    /**
     * {@code {"instruction"?, "input", "a", "b", "mode"?}}; the mode defaults to both orders. Exactly two
     * candidates by construction, so the server's candidate cap holds for every comparison.
     */
    record Request(Item item, CompareMode mode) {
        static Request parse(JsonNode req) {
            String mode = Fields.optionalText(req, "mode");
            Item item = new Item(
                    Fields.optionalText(req, "instruction"),
                    Fields.text(req, "input"),
                    List.of(Fields.candidate(req.get("a"), "a"), Fields.candidate(req.get("b"), "b")));
            return new Request(item, mode == null ? CompareMode.BOTH : mode(mode));
        }

        /** The reference's names only; anything else is refused rather than read as both orders. */
        private static CompareMode mode(String name) {
            for (CompareMode m : CompareMode.values()) {
                if (m.python().equals(name)) {
                    return m;
                }
            }
            throw ApiError.badRequest("'mode' is '" + name + "'; use [A,B], [B,A] or [A,B]+[B,A]");
        }
    }

    record Response(float logit, boolean result, String mode) {
        static Response of(Comparison c) {
            return new Response(c.logit(), c.result(), c.mode().python());
        }
    }
}
