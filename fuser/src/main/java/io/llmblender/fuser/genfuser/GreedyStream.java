package io.llmblender.fuser.genfuser;

import io.llmblender.fuser.t5.DecodingProgress;
import io.llmblender.fuser.t5.GreedySearch;
import io.llmblender.fuser.t5.T5Model;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Greedy decoding that streams text, not tokens: after each step the whole output so far is decoded with the
 * tokenizer's clean-up, and what it added to the text already sent is sent. Decoding the whole output each time
 * (not the new token alone) is what keeps SentencePiece's spaces and the clean-up's rewrites right.
 */
final class GreedyStream {
    private GreedyStream() {}

    /**
     * Decodes one encoder input greedily, sending the text piece by piece to {@code tokens}.
     *
     * @param model the T5 model
     * @param tokenizer decodes the output so far
     * @param ids the encoder input ids
     * @param maxNewTokens the most tokens to generate
     * @param progress told of each step
     * @param tokens receives the pieces; they concatenate to the final text unless the clean-up rewrote a sent piece
     * @return the output ids, decoder start first
     */
    static long[] decode(
            T5Model model,
            FlanT5Tokenizer tokenizer,
            long[] ids,
            int maxNewTokens,
            DecodingProgress progress,
            Consumer<String> tokens) {
        long[][] mask = {new long[ids.length]};
        Arrays.fill(mask[0], 1L);
        StringBuilder sent = new StringBuilder();
        GreedySearch greedy = new GreedySearch(model, maxNewTokens, true);
        long[] out = greedy.search(
                        new long[][] {ids},
                        mask,
                        (row, soFar) -> {
                            String text = tokenizer.decode(soFar, true);
                            if (text.startsWith(sent.toString()) && text.length() > sent.length()) {
                                tokens.accept(text.substring(sent.length()));
                                sent.setLength(0);
                                sent.append(text);
                            }
                        },
                        progress)
                .ids()[0];
        String text = tokenizer.decode(out, true);
        // the clean-up can rewrite what was already sent (" ." -> "."): send the rest only if it still extends it
        if (text.length() > sent.length() && text.startsWith(sent.toString())) {
            tokens.accept(text.substring(sent.length()));
        }
        return out;
    }
}
