package io.llmblender.ranker.pairrm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmblender.runtime.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * PairRM's DeBERTa-v3 tokenizer: DJL's binding of Hugging Face {@code tokenizers} over the model folder's
 * {@code tokenizer.json}, which already holds the four PairRM marker tokens.
 *
 * <p>Built with explicit options: DJL's defaults silently truncate at 512 tokens and pad, and its reader of
 * {@code tokenizer_config.json} chokes on HF's huge {@code model_max_length} (ecosystem notes §3.8), so that
 * file is never read. Truncation is done here exactly as HF's {@code encode(text, max_length=N,
 * truncation=True)}: {@code [CLS]} + the first N−2 body ids + {@code [SEP]}.
 *
 * <p>Thread-safe for encoding (the Rust tokenizer is); {@link #close()} frees the native tokenizer.
 */
public final class PairRmTokenizer implements AutoCloseable {
    private final HuggingFaceTokenizer tokenizer;

    private PairRmTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /**
     * Loads {@code tokenizer.json}, or the one inside a folder.
     *
     * @param fileOrFolder a {@code tokenizer.json} or the folder that holds it
     * @return the tokenizer; the caller closes it
     */
    public static PairRmTokenizer load(Path fileOrFolder) {
        return new PairRmTokenizer(Tokenizers.load(
                fileOrFolder,
                true,
                "a PairRM folder needs the tokenizer.json of"
                        + " llm-blender/PairRM-hf (DeBERTa-v3 with the four PairRM marker tokens)"));
    }

    /**
     * {@code [CLS] body [SEP]}, however long.
     *
     * @param text the text
     * @return the token ids with {@code [CLS]} and {@code [SEP]}
     */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /**
     * The body ids alone ({@code add_special_tokens=False}).
     *
     * @param text the text
     * @return the token ids without special tokens
     */
    public long[] encodeBody(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /**
     * HF's right truncation to {@code maxLength} ids, special tokens included.
     *
     * @param text the text
     * @param maxLength the most ids to return, special tokens included
     * @return the token ids, ending in {@code [SEP]}
     */
    public long[] encode(String text, int maxLength) {
        long[] ids = encode(text);
        if (ids.length <= maxLength) {
            return ids;
        }
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength " + maxLength + " cannot hold [CLS] and [SEP]");
        }
        long[] cut = Arrays.copyOf(ids, maxLength);
        cut[maxLength - 1] = ids[ids.length - 1]; // the closing [SEP]
        return cut;
    }

    /**
     * The pieces of {@code ids}, for debugging and for showing users what was kept.
     *
     * @param ids token ids
     * @return the decoded text
     */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, false);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
