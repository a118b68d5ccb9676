package io.llmblender.ranker;

import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmTokenizer;
import io.llmblender.ranker.pairrm.RankerConfig;
import io.llmblender.runtime.JsonConfig;
import java.nio.file.Path;

/** Reads a PairRM model folder in either layout (spec §1.6) into a {@link PairRanker}. Stateless. */
final class PairRmFolder {
    private PairRmFolder() {}

    /** See {@link PairRanker#load(Path, DebertaV2Config, PairRankerOptions)}; {@code backbone} may be null. */
    static PairRanker load(Path folder, DebertaV2Config backbone, PairRankerOptions options) {
        Path configJson = folder.resolve("config.json");
        JsonConfig json = JsonConfig.read(configJson);
        PairRmTokenizer tokenizer = PairRmTokenizer.load(folder);
        try {
            if (RankerConfig.isRankerConfig(json)) {
                RankerConfig original = RankerConfig.from(json);
                PairRm model = PairRm.load(
                        backbone != null ? backbone : PairRm.backboneOf(original, configJson),
                        original.pairRm(),
                        PairRm.weightFile(folder),
                        configJson,
                        options.model());
                return PairRanker.of(model, tokenizer, options.withLimits(original.limits()));
            }
            return PairRanker.of(PairRm.load(folder, options.model()), tokenizer, options);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** A hub id must look like {@code owner/name}; anything else is neither a folder nor an id. */
    static String checkRepoId(String repoId) {
        if (!repoId.matches("[\\w.-]+/[\\w.-]+")) {
            throw new IllegalArgumentException(
                    "'" + repoId + "' is neither a folder nor a hub id like llm-blender/PairRM-hf");
        }
        return repoId;
    }
}
