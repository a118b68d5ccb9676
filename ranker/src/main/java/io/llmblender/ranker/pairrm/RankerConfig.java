package io.llmblender.ranker.pairrm;

import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.JsonConfig;
import java.nio.file.Path;

/**
 * The original llm-blender/PairRM layout's {@code config.json}: a serialised {@code RankerConfig} (spec §1.4.1),
 * which names the backbone ({@code model_name}) instead of describing it. Only the inference-relevant keys are
 * read; the others are ignored, as the spec advises.
 *
 * @param rankerType {@code ranker_type}; only {@code pairranker}
 * @param modelType {@code model_type}, a DeBERTa
 * @param modelName {@code model_name}, the backbone's hub id (e.g. {@code microsoft/deberta-v3-large})
 * @param sourceMaxLength {@code source_maxlength}, default 1224
 * @param candidateMaxLength {@code candidate_maxlength}, default 412
 * @param nTasks {@code n_tasks}, default 1
 */
public record RankerConfig(
        String rankerType,
        String modelType,
        String modelName,
        int sourceMaxLength,
        int candidateMaxLength,
        int nTasks) {

    /**
     * Whether {@code configJson} is of this layout (it has {@code ranker_type}) rather than a HF model config.
     *
     * @param configJson a parsed {@code config.json}
     * @return true for the original layout
     */
    public static boolean isRankerConfig(JsonConfig configJson) {
        return configJson.has("ranker_type");
    }

    /**
     * Reads the original layout's config; a {@code ranker_type} other than {@code pairranker} is refused with the
     * reference's message.
     *
     * @param c the parsed config
     * @return the configuration
     */
    public static RankerConfig from(JsonConfig c) {
        Path f = c.file();
        String type = c.string("ranker_type").orElse("");
        if (!type.equals("pairranker")) {
            // The reference's message (spec §1.6), with what is supported.
            throw new ConfigException(
                    f,
                    "ranker_type",
                    "is '" + type + "': reward model type " + type + " not supported; only 'pairranker' (PairRM) is");
        }
        String modelType = c.string("model_type").orElse("");
        if (!modelType.startsWith("deberta")) {
            throw new ConfigException(f, "model_type", "is '" + modelType + "'; only DeBERTa backbones are supported");
        }
        return new RankerConfig(
                type,
                modelType,
                c.string("model_name").orElse(""),
                c.intValue("source_maxlength", 1224),
                c.intValue("candidate_maxlength", 412),
                c.intValue("n_tasks", 1));
    }

    /**
     * PairRM's ids with this config's task count (the four markers follow DeBERTa-v3's 128001 ids, spec §1.2).
     *
     * @return the prefix ids and task count
     */
    public PairRmConfig pairRm() {
        return new PairRmConfig(nTasks, 128001, 128002, 128003, 128004);
    }

    /**
     * The token limits the config declares ({@code source_maxlength}, {@code candidate_maxlength}).
     *
     * @return the limits
     */
    public PairEncoder.Limits limits() {
        return new PairEncoder.Limits(sourceMaxLength, candidateMaxLength);
    }
}
