package io.llmblender.fuser;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes one answer from the best candidates, LLM-Blender's second stage (Python {@code Blender.fuse}).
 *
 * <pre>{@code
 * try (GenFuser fuser = GenFuser.load(Path.of("models/gen_fuser_3b"))) {
 *     FusionResult r = fuser.fuse(new FusionRequest("What is 2+2?", List.of("4", "four", "2+2=4")));
 * }
 * }</pre>
 *
 * <p>Implementations must be thread-safe: a Blender fuses for every request thread at once. {@code GenFuser} is; {@code
 * ChatModelFuser} is if its chat model is.
 */
public interface Fuser {
    /**
     * Fuses the candidates of {@code request} into one answer (Python {@code Blender.fuse}).
     *
     * @param request the instruction, input and ranked candidates, best first
     * @return the fused answer
     */
    FusionResult fuse(FusionRequest request);

    /**
     * Fuses and streams the text as it is generated: {@code tokens} receives consecutive pieces whose
     * concatenation is the result's text. This default hands over the whole text at once; fusers that generate
     * token by token (greedy GenFuser, a streaming chat model) override it.
     *
     * @param request the instruction, input and ranked candidates
     * @param tokens receives the text piece by piece, in order
     * @return the fused answer, whose text is the concatenation of the pieces
     */
    default FusionResult fuse(FusionRequest request, java.util.function.Consumer<String> tokens) {
        FusionResult r = fuse(request);
        tokens.accept(r.text());
        return r;
    }

    /**
     * Many requests; implementations may batch them.
     *
     * @param requests the requests
     * @return one result per request, in order
     */
    default List<FusionResult> fuse(List<FusionRequest> requests) {
        List<FusionResult> out = new ArrayList<>();
        for (FusionRequest r : requests) {
            out.add(fuse(r));
        }
        return out;
    }
}
