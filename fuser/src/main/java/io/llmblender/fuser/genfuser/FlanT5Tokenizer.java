package io.llmblender.fuser.genfuser;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmblender.runtime.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The Flan-T5 tokenizer as GenFuser uses it: DJL's binding of the folder's {@code tokenizer.json}, no EOS added
 * to the fusion text, no silent truncation, and transformers' {@code clean_up_tokenization} applied after
 * decoding where transformers (&lt; 4.45, and flan-t5's config) applies it, since the Rust decoder does not.
 * Thread-safe for encoding and decoding.
 */
public final class FlanT5Tokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private FlanT5Tokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads Flan-T5's {@code tokenizer.json}, or the one inside a folder, without special tokens added on encode.
     *
     * @param fileOrFolder a {@code tokenizer.json} or a GenFuser folder
     * @return the tokenizer; the caller closes it
     */
    public static FlanT5Tokenizer load(Path fileOrFolder) {
        return new FlanT5Tokenizer(
                Tokenizers.load(fileOrFolder, false, "a GenFuser folder needs the Flan-T5 tokenizer.json"));
    }

    /**
     * {@code tokenizer(text, add_special_tokens=False).input_ids}.
     *
     * @param text the text
     * @return the token ids, without EOS
     */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /**
     * {@code tokenizer(text).input_ids}: the ids and the EOS (1).
     *
     * @param text the text
     * @return the token ids, then EOS
     */
    public long[] encodeWithEos(String text) {
        return tokenizer.encode(text, true, false).getIds();
    }

    /**
     * The first {@code maxLength} ids without special tokens (HF right truncation, no EOS).
     *
     * @param text the text
     * @param maxLength the most ids to return
     * @return at most {@code maxLength} ids
     */
    public long[] encode(String text, int maxLength) {
        long[] ids = encode(text);
        return ids.length <= maxLength ? ids : Arrays.copyOf(ids, maxLength);
    }

    /**
     * {@code tokenizer.tokenize(text)}: the token strings of {@link #encode(String)}'s ids.
     *
     * @param text the text
     * @return the token strings, e.g. {@code ▁Hello}
     */
    public List<String> tokenize(String text) {
        return List.of(tokenizer.encode(text, false, false).getTokens());
    }

    /**
     * The raw Rust decode, special tokens kept, no clean-up.
     *
     * @param ids token ids
     * @return the text
     */
    public String decodeRaw(long[] ids) {
        return decodeRaw(ids, false);
    }

    /**
     * The raw Rust decode without clean-up ({@code clean_up_tokenization_spaces=False}, transformers ≥ 4.45).
     *
     * @param ids token ids
     * @param skipSpecialTokens drop pad, EOS and the sentinels
     * @return the text
     */
    public String decodeRaw(long[] ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids, skipSpecialTokens);
    }

    /**
     * {@code decode(ids, skip_special_tokens)} with transformers' clean-up, as GenFuser's outputs are decoded.
     *
     * @param ids token ids
     * @param skipSpecialTokens drop pad, EOS and the sentinels
     * @return the cleaned-up text
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return cleanUp(decodeRaw(ids, skipSpecialTokens));
    }

    /**
     * transformers' {@code clean_up_tokenization}: ten literal replacements, in this order.
     *
     * @param text decoded text
     * @return the text with transformers' clean-up applied
     */
    public static String cleanUp(String text) {
        return text.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
