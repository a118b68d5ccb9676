package io.llmblender.fuser.t5;

import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.JsonConfig;
import java.nio.file.Path;

/**
 * The hyper-parameters of a T5 / Flan-T5 encoder-decoder, read from a Hugging Face {@code config.json}
 * ({@code T5Config}); defaults are transformers' own. GenFuser (llm-blender/gen_fuser_3b) is a Flan-T5-XL.
 *
 * @param gatedGelu {@code feed_forward_proj = "gated-gelu"} (T5 v1.1 / Flan-T5); false means the original
 *     {@code "relu"} feed-forward
 * @param vocabSize the number of token ids
 * @param dModel the width of every hidden state ({@code d_model})
 * @param dKv the width of one attention head ({@code d_kv})
 * @param dFf the feed-forward's inner width ({@code d_ff})
 * @param numLayers encoder layers ({@code num_layers})
 * @param numDecoderLayers decoder layers ({@code num_decoder_layers}, default {@code num_layers})
 * @param numHeads attention heads per layer
 * @param numBuckets relative-position buckets ({@code relative_attention_num_buckets})
 * @param maxDistance the longest distance the buckets tell apart ({@code relative_attention_max_distance})
 * @param layerNormEpsilon the epsilon of every RMS norm
 * @param tieWordEmbeddings whether the LM head shares the embedding (and the output is scaled by {@code d_model^-0.5})
 * @param padTokenId the padding id (0)
 * @param eosTokenId the end-of-sequence id (1)
 * @param decoderStartTokenId the decoder's first id (the pad id, 0)
 */
public record T5Config(
        int vocabSize,
        int dModel,
        int dKv,
        int dFf,
        int numLayers,
        int numDecoderLayers,
        int numHeads,
        int numBuckets,
        int maxDistance,
        float layerNormEpsilon,
        boolean gatedGelu,
        boolean tieWordEmbeddings,
        int padTokenId,
        int eosTokenId,
        int decoderStartTokenId) {

    /**
     * Reads and validates a T5 {@code config.json}.
     *
     * @param configJson the model's {@code config.json}
     * @return the configuration
     */
    public static T5Config read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    /**
     * Reads a parsed T5 config, with transformers' defaults; a feed-forward other than {@code relu} or {@code
     * gated-gelu} is refused.
     *
     * @param c the parsed config
     * @return the configuration
     */
    public static T5Config from(JsonConfig c) {
        String ff = c.string("feed_forward_proj").orElse("relu");
        if (!ff.equals("gated-gelu") && !ff.equals("relu")) {
            throw new ConfigException(
                    c.file(),
                    "feed_forward_proj",
                    "is '" + ff + "'; supported are 'gated-gelu'" + " (Flan-T5) and 'relu' (original T5)");
        }
        int layers = c.positiveInt("num_layers");
        return new T5Config(
                c.positiveInt("vocab_size"),
                c.positiveInt("d_model"),
                c.positiveInt("d_kv"),
                c.positiveInt("d_ff"),
                layers,
                c.intValue("num_decoder_layers", layers),
                c.positiveInt("num_heads"),
                c.intValue("relative_attention_num_buckets", 32),
                c.intValue("relative_attention_max_distance", 128),
                (float) c.doubleValue("layer_norm_epsilon", 1e-6),
                ff.equals("gated-gelu"),
                c.boolValue("tie_word_embeddings", true),
                c.intValue("pad_token_id", 0),
                c.intValue("eos_token_id", 1),
                c.intValue("decoder_start_token_id", 0));
    }

    /**
     * {@code heads · d_kv}, the width of q, k and v.
     *
     * @return {@code numHeads · dKv}
     */
    public int innerDim() {
        return numHeads * dKv;
    }
}
