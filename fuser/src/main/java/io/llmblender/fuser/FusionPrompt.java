package io.llmblender.fuser;

import io.llmblender.fuser.genfuser.FlanT5Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The one class that owns GenFuser's input format (spec §4.3, llm-blender's {@code GenFuserDataset}):
 *
 * <pre>
 * Instruction: {ins}&lt;/s&gt;Input: {input}&lt;/s&gt;Candidate 0: &lt;extra_id_0&gt;:{c0}&lt;/s&gt;…&lt;/s&gt;Summarize candidates into a better one for the given instruction:
 * </pre>
 *
 * Each candidate longer than {@code candidateMaxLength} tokens is cut to that many, decoded (special tokens
 * kept, with clean-up) and given {@code "..."}; shorter ones stay exactly as given. The whole text is tokenised
 * without special tokens (no EOS) and cut to {@code maxLength} ids on the right, which, as in the reference,
 * can cut off the closing instruction of an over-long text. Unlike the reference, the caller's candidate
 * list is never modified. Stateless.
 */
public final class FusionPrompt {
    /** GenFuser's defaults (spec §4.1): 1024 input tokens, 128 tokens per candidate. */
    public static final int MAX_LENGTH = 1024;

    /** GenFuser's default token budget of each candidate ({@code candidate_maxlength}). */
    public static final int CANDIDATE_MAX_LENGTH = 128;

    static final String EOS = "</s>";
    static final String TASK = "Summarize candidates into a better one for the given instruction:";

    private FusionPrompt() {}

    /**
     * The candidates as they enter the text: cut ones end in {@code "..."}.
     *
     * @param tokenizer counts the candidates' tokens
     * @param candidates the candidates, best first
     * @param candidateMaxLength the most tokens kept of each (GenFuser: 128)
     * @return the candidates, each within its budget
     */
    public static List<String> truncateCandidates(
            FlanT5Tokenizer tokenizer, List<String> candidates, int candidateMaxLength) {
        List<String> out = new ArrayList<>();
        for (String c : candidates) {
            long[] ids = tokenizer.encode(c);
            if (candidateMaxLength > 0 && ids.length > candidateMaxLength) {
                out.add(FlanT5Tokenizer.cleanUp(tokenizer.decodeRaw(java.util.Arrays.copyOf(ids, candidateMaxLength)))
                        + "...");
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * The fusion text from already truncated candidates; the instruction may be null.
     *
     * @param instruction the instruction, or null
     * @param input the user's input
     * @param candidates the truncated candidates
     * @return the fusion text
     */
    public static String text(String instruction, String input, List<String> candidates) {
        List<String> parts = new ArrayList<>();
        parts.add("Instruction: " + (instruction == null ? "" : instruction));
        parts.add("Input: " + input);
        for (int c = 0; c < candidates.size(); c++) {
            parts.add("Candidate " + c + ": <extra_id_" + c + ">:" + candidates.get(c));
        }
        return String.join(EOS, parts) + EOS + TASK;
    }

    /**
     * The fuser's input ids for one request: truncation, text, ids cut to {@code maxLength}.
     *
     * @param tokenizer the Flan-T5 tokenizer
     * @param instruction the instruction, or null
     * @param input the user's input
     * @param candidates the candidates, best first
     * @param candidateMaxLength the most tokens kept of each candidate
     * @param maxLength the most ids in all
     * @return the encoder's input ids
     */
    public static long[] inputIds(
            FlanT5Tokenizer tokenizer,
            String instruction,
            String input,
            List<String> candidates,
            int candidateMaxLength,
            int maxLength) {
        String text = text(instruction, input, truncateCandidates(tokenizer, candidates, candidateMaxLength));
        return tokenizer.encode(text, maxLength);
    }
}
