package io.llmblender.orchestrator;

import io.llmblender.fuser.Fuser;
import io.llmblender.fuser.FusionRequest;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fusion stage: fuses the best {@code topK} answers into one (LLM-Blender's GenFuser step, spec §4), streaming
 * the fusion if asked. If the fuser fails the result carries a note and no text, and the caller keeps the
 * top-ranked answer. Thread-safe if the fuser is.
 */
final class FusionStep {
    private static final Logger LOG = LoggerFactory.getLogger(FusionStep.class);

    /**
     * @param text the fusion, or null if the fuser failed
     * @param fusedFrom the members whose answers were fused, best first
     * @param note what went wrong, or null
     */
    record Result(String text, List<String> fusedFrom, String note) {
        boolean fused() {
            return text != null;
        }
    }

    private final Fuser fuser;
    private final int topK;

    FusionStep(Fuser fuser, int topK) {
        this.fuser = fuser;
        this.topK = topK;
    }

    /** Fuses the first {@code topK} of {@code ordered} (best first); {@code tokens} may be null. */
    Result fuse(Prompt prompt, List<MemberOutcome.Answered> ordered, Consumer<String> tokens) {
        List<MemberOutcome.Answered> top = ordered.subList(0, Math.min(topK, ordered.size()));
        try {
            FusionRequest fusion =
                    prompt.fusion(top.stream().map(MemberOutcome.Answered::text).toList());
            String text = (tokens == null ? fuser.fuse(fusion) : fuser.fuse(fusion, tokens)).text();
            return new Result(
                    text, top.stream().map(MemberOutcome.Answered::member).toList(), null);
        } catch (RuntimeException e) {
            LOG.warn("fusion failed, returning the top-ranked answer: {}", e.toString());
            return new Result(
                    null,
                    List.of(),
                    "fusion failed (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                            + "); returned the top-ranked answer");
        }
    }
}
