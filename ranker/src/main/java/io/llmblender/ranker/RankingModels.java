package io.llmblender.ranker;

import io.llmblender.ranker.deberta.DebertaV2ForSequenceClassification;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.RankerConfig;
import io.llmblender.ranker.rm.DebertaRewardModel;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.hub.HubClient;
import io.llmblender.runtime.hub.HubException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads any supported ranking model from a folder or a hub id, telling the kinds apart by {@code config.json}
 * (Python's {@code loadranker}, which infers the ranker type, spec §1.6 and §5):
 * <ul>
 *   <li>PairRM: {@code architectures: ["DebertaV2PairRM"]} (llm-blender/PairRM-hf) or a serialised
 *       {@code RankerConfig} (llm-blender/PairRM) → {@link PairRanker};</li>
 *   <li>a DeBERTa reward model: {@code architectures: ["DebertaV2ForSequenceClassification"]}
 *       (OpenAssistant/reward-model-deberta-v3-large-v2) → {@link DebertaRewardModel}.</li>
 * </ul>
 *
 * <pre>{@code
 * try (RankingModel model = RankingModels.load("OpenAssistant/reward-model-deberta-v3-large-v2")) {
 *     Ranking r = model.rank(new Item("Explain gravity.", answers));
 * }
 * }</pre>
 */
public final class RankingModels {
    private RankingModels() {}

    /** The kinds this loader knows. */
    public enum Kind {
        /** PairRM ({@code DebertaV2PairRM}), in the PairRM-hf or the original layout. */
        PAIRRM,
        /**
         * A {@code DebertaV2ForSequenceClassification} reward model, e.g. OpenAssistant's
         * reward-model-deberta-v3-large-v2.
         */
        DEBERTA_REWARD_MODEL
    }

    /**
     * With default options.
     *
     * @param folderOrHubId a folder, or a hub id
     * @return the loaded model; the caller closes it
     */
    public static RankingModel load(String folderOrHubId) {
        return load(folderOrHubId, PairRankerOptions.DEFAULT);
    }

    /**
     * A folder, or a hub id downloaded once into the Hugging Face cache. {@code options} configure PairRM fully;
     * a reward model takes their batching and concurrent passes.
     *
     * @param folderOrHubId a folder, or a hub id
     * @param options PairRM's options; a reward model uses their batching and concurrent passes
     * @return the loaded model; the caller closes it
     */
    public static RankingModel load(String folderOrHubId, PairRankerOptions options) {
        Path folder = Path.of(folderOrHubId);
        if (Files.isDirectory(folder)) {
            return load(folder, options);
        }
        return fromHub(folderOrHubId, HubClient.fromEnvironment(System.getenv(), HubClient.Progress.NONE), options);
    }

    /**
     * Downloads (once) what the model's kind needs, then loads it.
     *
     * @param repoId the hub id
     * @param hub the client to download with
     * @param options the ranking options
     * @return the loaded model; the caller closes it
     */
    public static RankingModel fromHub(String repoId, HubClient hub, PairRankerOptions options) {
        Path config = hub.download(PairRmFolder.checkRepoId(repoId), "main", "config.json");
        Kind kind = kindOf(config);
        List<String> files = kind == Kind.PAIRRM ? PairRanker.HUB_FILES : List.of("config.json", "tokenizer.json");
        Path folder = hub.snapshot(repoId, "main", files);
        if (kind == Kind.DEBERTA_REWARD_MODEL) {
            try {
                hub.download(repoId, "main", "model.safetensors");
            } catch (HubException noSafetensors) {
                hub.download(repoId, "main", "pytorch_model.bin"); // older repositories ship only the pickle
            }
        }
        return load(folder, options);
    }

    /**
     * A model folder of either kind.
     *
     * @param folder the model folder
     * @param options the ranking options
     * @return the loaded model; the caller closes it
     */
    public static RankingModel load(Path folder, PairRankerOptions options) {
        Path config = folder.resolve("config.json");
        return switch (kindOf(config)) {
            case PAIRRM -> PairRanker.load(folder, options);
            case DEBERTA_REWARD_MODEL -> rewardModel(folder, options);
        };
    }

    /**
     * Which kind of model {@code config.json} describes; an unknown one is refused, naming the known ones.
     *
     * @param configJson the model's {@code config.json}
     * @return the kind of model
     */
    public static Kind kindOf(Path configJson) {
        JsonConfig json = JsonConfig.read(configJson);
        if (RankerConfig.isRankerConfig(json)) {
            return Kind.PAIRRM;
        }
        List<String> architectures = json.stringList("architectures", ",");
        if (architectures.contains("debertav2pairrm")) {
            return Kind.PAIRRM;
        }
        if (architectures.contains("debertav2forsequenceclassification")) {
            return Kind.DEBERTA_REWARD_MODEL;
        }
        throw new ConfigException(
                configJson,
                "architectures",
                "is " + architectures + "; known are DebertaV2PairRM (llm-blender/PairRM-hf), a serialised"
                        + " RankerConfig (llm-blender/PairRM) and DebertaV2ForSequenceClassification (e.g."
                        + " OpenAssistant/reward-model-deberta-v3-large-v2)");
    }

    private static DebertaRewardModel rewardModel(Path folder, PairRankerOptions options) {
        DebertaV2ForSequenceClassification model = DebertaV2ForSequenceClassification.load(
                folder.resolve("config.json"),
                PairRm.weightFile(folder),
                options.model().concurrentPasses(),
                options.model().precision(),
                options.model().device());
        try {
            return new DebertaRewardModel(
                    model, DebertaRewardModel.tokenizer(folder), modelMaxLength(folder), options.batching());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * The tokenizer's {@code model_max_length} from {@code tokenizer_config.json}, or 512 (deberta-v3's) when the file
     * is absent or holds transformers' "no limit" sentinel.
     */
    static int modelMaxLength(Path folder) {
        Path file = folder.resolve("tokenizer_config.json");
        if (!Files.isRegularFile(file)) {
            return 512;
        }
        double max = JsonConfig.read(file).doubleValue("model_max_length", 512);
        return max >= 2 && max <= 1_000_000 ? (int) max : 512;
    }
}
