package io.llmblender.runtime;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a Hugging Face {@code tokenizer.json} the way every model here needs it: exact ids, no padding, no cuts. */
public final class Tokenizers {
    private Tokenizers() {}

    /**
     * The tokenizer in {@code fileOrFolder} (a {@code tokenizer.json}, or a folder holding one). Truncation and padding
     * stay off: the callers apply the reference's own budgets, which the library's options cannot express.
     *
     * @param fileOrFolder a {@code tokenizer.json}, or the folder that holds one
     * @param addSpecialTokens whether {@code encode(text)} adds the model's special tokens (DeBERTa's [CLS]/[SEP])
     * @param whatIsNeeded the end of the error when the file is missing, naming the tokenizer the folder needs
     * @return the tokenizer; the caller closes it
     */
    public static HuggingFaceTokenizer load(Path fileOrFolder, boolean addSpecialTokens, String whatIsNeeded) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve("tokenizer.json") : fileOrFolder;
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(file, null, "does not exist; " + whatIsNeeded);
        }
        DjlRuntime.engine(); // sets the offline flags before the tokenizer library starts
        try {
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(addSpecialTokens)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file, null, "is not a readable Hugging Face tokenizer: " + e.getMessage(), e);
        }
    }
}
