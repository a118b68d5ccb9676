package io.llmblender.ranker.deberta;

import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.JsonConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The hyper-parameters of a DeBERTa-v2/v3 encoder, read from a Hugging Face {@code config.json}
 * ({@code DebertaV2Config}). Defaults are transformers' own.
 *
 * <p>Only what PairRM's backbone (deberta-v3-large) uses is supported: relative attention without absolute
 * positions, token types, an embedding projection or the v2-xlarge convolution. A config that asks for one of
 * those is rejected by name rather than silently computed differently.
 *
 * @param vocabSize the number of token ids
 * @param hiddenSize H, the width of every hidden state
 * @param numHiddenLayers the number of encoder layers
 * @param numAttentionHeads N, heads per layer
 * @param attentionHeadSize d, the width of one head
 * @param intermediateSize the feed-forward's inner width
 * @param layerNormEps the epsilon of every LayerNorm
 * @param maxPositionEmbeddings the longest sequence the config declares
 * @param maxRelativePositions already resolved: transformers' {@code -1} means {@code max_position_embeddings}
 * @param positionBuckets {@code <= 0} means no log-bucketing (linear relative positions)
 * @param posAttType the position terms of the attention score, a subset of {@code {"c2p", "p2c"}}
 * @param shareAttKey whether the relative embeddings go through the content key and query projections
 * @param normRelEmbeddings whether {@code norm_rel_ebd} asks for the LayerNorm of the relative embeddings
 */
public record DebertaV2Config(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int attentionHeadSize,
        int intermediateSize,
        float layerNormEps,
        int maxPositionEmbeddings,
        int maxRelativePositions,
        int positionBuckets,
        Set<String> posAttType,
        boolean shareAttKey,
        boolean normRelEmbeddings) {

    /**
     * Copies {@code posAttType}.
     *
     * @param vocabSize the number of token ids
     * @param hiddenSize H, the width of every hidden state
     * @param numHiddenLayers the number of encoder layers
     * @param numAttentionHeads N, heads per layer
     * @param attentionHeadSize d, the width of one head
     * @param intermediateSize the feed-forward's inner width
     * @param layerNormEps the epsilon of every LayerNorm
     * @param maxPositionEmbeddings the longest sequence the config declares
     * @param maxRelativePositions already resolved: transformers' {@code -1} means {@code max_position_embeddings}
     * @param positionBuckets {@code <= 0} means no log-bucketing (linear relative positions)
     * @param posAttType the position terms of the attention score, a subset of {@code {"c2p", "p2c"}}
     * @param shareAttKey whether the relative embeddings go through the content key and query projections
     * @param normRelEmbeddings whether {@code norm_rel_ebd} asks for the LayerNorm of the relative embeddings
     */
    public DebertaV2Config {
        posAttType = Set.copyOf(posAttType);
    }

    /**
     * Reads and validates {@code config.json}.
     *
     * @param configJson the model's {@code config.json}
     * @return the configuration
     */
    public static DebertaV2Config read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    /**
     * Reads a parsed {@code config.json}, with transformers' defaults for absent fields; an unsupported feature is
     * refused by name.
     *
     * @param c the parsed config
     * @return the configuration
     * @throws io.llmblender.runtime.ConfigException for a bad value or an unsupported feature
     */
    public static DebertaV2Config from(JsonConfig c) {
        Path f = c.file();
        int hidden = c.positiveInt("hidden_size");
        int heads = c.positiveInt("num_attention_heads");
        if (!c.has("attention_head_size") && hidden % heads != 0) {
            throw new ConfigException(
                    f, "hidden_size", "is " + hidden + ", not a multiple of num_attention_heads=" + heads);
        }
        int headSize = c.intValue("attention_head_size", hidden / heads);
        String act = c.string("hidden_act").orElse("gelu");
        if (!act.equals("gelu")) {
            throw new ConfigException(
                    f,
                    "hidden_act",
                    "is '" + act + "'; only 'gelu' (exact erf GELU, as" + " deberta-v3 uses) is supported");
        }
        if (!c.boolValue("relative_attention", false)) {
            throw new ConfigException(
                    f,
                    "relative_attention",
                    "is false; only DeBERTa with relative attention" + " (v2/v3, as PairRM uses) is supported");
        }
        if (c.boolValue("position_biased_input", true)) {
            throw new ConfigException(
                    f,
                    "position_biased_input",
                    "is true or absent; absolute position embeddings"
                            + " are not supported (deberta-v3 sets it to false)");
        }
        if (c.intValue("type_vocab_size", 0) != 0) {
            throw new ConfigException(
                    f,
                    "type_vocab_size",
                    "is " + c.intValue("type_vocab_size")
                            + "; token-type embeddings are not supported (deberta-v3 uses 0)");
        }
        if (c.intValue("embedding_size", hidden) != hidden) {
            throw new ConfigException(
                    f, "embedding_size", "differs from hidden_size; an embedding projection is" + " not supported");
        }
        if (c.intValue("conv_kernel_size", 0) > 0) {
            throw new ConfigException(
                    f, "conv_kernel_size", "is set; the deberta-v2-xlarge convolution layer is" + " not supported");
        }
        List<String> posAtt = c.stringList("pos_att_type", "\\|");
        for (String t : posAtt) {
            if (!t.equals("c2p") && !t.equals("p2c")) {
                throw new ConfigException(
                        f, "pos_att_type", "contains '" + t + "'; only 'c2p' and 'p2c' exist in" + " DeBERTa-v2");
            }
        }
        int maxPositions = c.intValue("max_position_embeddings", 512);
        int maxRelative = c.intValue("max_relative_positions", -1);
        if (maxRelative < 1) {
            maxRelative = maxPositions;
        }
        String normRel = c.string("norm_rel_ebd").orElse("none").toLowerCase();
        return new DebertaV2Config(
                c.positiveInt("vocab_size"),
                hidden,
                c.positiveInt("num_hidden_layers"),
                heads,
                headSize,
                c.positiveInt("intermediate_size"),
                (float) c.doubleValue("layer_norm_eps", 1e-7),
                maxPositions,
                maxRelative,
                c.intValue("position_buckets", -1),
                Set.copyOf(posAtt),
                c.boolValue("share_att_key", false),
                normRel.contains("layer_norm"));
    }

    /**
     * Half the number of relative-embedding rows: {@code position_buckets} when bucketing, else
     * {@code max_relative_positions} (transformers' {@code pos_ebd_size}, the attention span k).
     *
     * @return k, the span of relative positions attended to
     */
    public int attentionSpan() {
        return positionBuckets > 0 ? positionBuckets : maxRelativePositions;
    }

    /**
     * Whether the score has the content-to-position term ({@code c2p} in {@code pos_att_type}).
     *
     * @return true if {@code c2p} is listed
     */
    public boolean c2p() {
        return posAttType.contains("c2p");
    }

    /**
     * Whether the score has the position-to-content term ({@code p2c} in {@code pos_att_type}).
     *
     * @return true if {@code p2c} is listed
     */
    public boolean p2c() {
        return posAttType.contains("p2c");
    }

    /**
     * {@code N · d}, the width of the query, key and value projections.
     *
     * @return {@code numAttentionHeads · attentionHeadSize}
     */
    public int allHeadSize() {
        return numAttentionHeads * attentionHeadSize;
    }

    /**
     * The full PairRM backbone, microsoft/deberta-v3-large with PairRM's vocabulary (spec §1.4.3).
     *
     * @param vocabSize the vocabulary size (PairRM: 128005, with its four added prefixes)
     * @return deberta-v3-large's configuration
     */
    public static DebertaV2Config debertaV3Large(int vocabSize) {
        return new DebertaV2Config(
                vocabSize, 1024, 24, 16, 64, 4096, 1e-7f, 512, 512, 256, Set.of("c2p", "p2c"), true, true);
    }
}
