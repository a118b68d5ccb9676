package io.llmblender.ranker.pairrm;

import io.llmblender.runtime.JsonConfig;
import java.nio.file.Path;

/**
 * PairRM's own fields of a PairRM-hf {@code config.json} (spec §1.4.3): the head's task count and the ids of
 * the four prefix tokens. Defaults are llm-blender/PairRM-hf's.
 *
 * @param nTasks width of the head's output; the logit is the mean over tasks of left − right
 * @param sourcePrefixId {@code <|source|>}, 128001 in PairRM
 * @param cand1PrefixId {@code <|candidate1|>}, 128002
 * @param cand2PrefixId {@code <|candidate2|>}, 128003
 * @param candPrefixId {@code <|candidate|>}, 128004, the collator's generic prefix
 */
public record PairRmConfig(int nTasks, int sourcePrefixId, int cand1PrefixId, int cand2PrefixId, int candPrefixId) {

    /** llm-blender/PairRM-hf. */
    public static final PairRmConfig PAIRRM = new PairRmConfig(1, 128001, 128002, 128003, 128004);

    /**
     * One task, with the four prefixes as the last four ids of a {@code vocabSize} vocabulary, where
     * {@code tokenizer.add_tokens} puts them (PairRM: 128005 → 128001–128004).
     *
     * @param vocabSize the tokenizer's vocabulary size, prefixes included
     * @return the configuration
     */
    public static PairRmConfig forVocabulary(int vocabSize) {
        return new PairRmConfig(1, vocabSize - 4, vocabSize - 3, vocabSize - 2, vocabSize - 1);
    }

    /**
     * Reads the PairRM fields of a PairRM-hf {@code config.json}, with PairRM's values for absent ones.
     *
     * @param configJson the model's {@code config.json}
     * @return the configuration
     */
    public static PairRmConfig read(Path configJson) {
        return from(JsonConfig.read(configJson));
    }

    /**
     * Reads the PairRM fields ({@code n_tasks} and the prefix ids) of a parsed config, with PairRM's values for absent
     * ones.
     *
     * @param c the parsed config
     * @return the configuration
     */
    public static PairRmConfig from(JsonConfig c) {
        return new PairRmConfig(
                c.intValue("n_tasks", PAIRRM.nTasks()),
                c.intValue("source_prefix_id", PAIRRM.sourcePrefixId()),
                c.intValue("cand1_prefix_id", PAIRRM.cand1PrefixId()),
                c.intValue("cand2_prefix_id", PAIRRM.cand2PrefixId()),
                c.intValue("cand_prefix_id", PAIRRM.candPrefixId()));
    }
}
