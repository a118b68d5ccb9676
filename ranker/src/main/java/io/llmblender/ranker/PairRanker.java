package io.llmblender.ranker;

import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.pairrm.PairEncoder;
import io.llmblender.ranker.pairrm.PairEncoder.EncodedInput;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmTokenizer;
import io.llmblender.ranker.select.Aggregation;
import io.llmblender.ranker.select.Candidates;
import io.llmblender.ranker.select.FullPairwise;
import io.llmblender.runtime.hub.HubClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * LLM-Blender's ranking API over PairRM, texts in and rankings out (spec §3): full-matrix {@code rank},
 * {@code compare}, bubble {@code bestOfN}/{@code worstOfN}, knockout and top-K selection,
 * {@code rankWithReference} and conversations, each also batched over many inputs. It offers every capability:
 * {@link Ranker}, {@link PairScorer}, {@link RewardModel} and, by {@link #selector}, {@link Selector}.
 *
 * <pre>{@code
 * try (PairRanker ranker = PairRanker.load("llm-blender/PairRM-hf")) {
 *     Ranking r = ranker.rank(new Item("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!")));
 *     r.ranks();                                                     // e.g. [3, 1, 2]
 *     Comparison c = ranker.compare("hello!", "hi!", "f**k off!", CompareMode.BOTH);
 *     int best = ranker.selector(Strategy.KNOCKOUT).best(new Item("hello!", answers));
 * }
 * }</pre>
 *
 * <p>Python's batch layouts ({@code compare} of parallel lists, {@code bestOfN}/{@code worstOfN} from explicit
 * permutations, {@code rankWithReference}) are {@link RankingModel}'s, over this model's pair logits.
 *
 * <p>Every operation encodes its inputs with {@link PairEncoder}, then hands all the pair rows a step needs to
 * {@link PairRm#logits(List, io.llmblender.ranker.Batching, PairRm.Progress)}, which packs them into
 * forward passes by the token budget. Results equal the reference's up to float32 noise.
 *
 * <p>Immutable and thread-safe; {@link #withOptions} views share the model, and {@link #close()} frees it for all.
 */
public final class PairRanker implements RankingModel {
    /** The files a PairRM model folder needs from the hub (both layouts ship these names). */
    public static final List<String> HUB_FILES = List.of("config.json", "tokenizer.json", "model.safetensors");

    private final PairRm model;
    private final PairRmTokenizer tokenizer;
    private final PairEncoder encoder;
    private final PairRankerOptions options;

    private PairRanker(PairRm model, PairRmTokenizer tokenizer, PairRankerOptions options) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new PairEncoder(tokenizer, model.config());
        this.options = options;
    }

    /**
     * A ranker over an already loaded model and tokenizer; the ranker owns both from now on.
     *
     * @param model the loaded model
     * @param tokenizer its tokenizer
     * @param options ranking options; their load-time part is replaced by the model's own
     * @return the ranker
     */
    public static PairRanker of(PairRm model, PairRmTokenizer tokenizer, PairRankerOptions options) {
        return new PairRanker(model, tokenizer, options.withModel(model.options()));
    }

    /**
     * Loads a model folder with the default options; see {@link #load(Path, PairRankerOptions)}.
     *
     * @param folder a PairRM-hf or original-layout folder
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker load(Path folder) {
        return load(folder, PairRankerOptions.DEFAULT);
    }

    /**
     * Loads a model folder: {@code config.json}, the weights and {@code tokenizer.json}. Both layouts work: the
     * PairRM-hf one (a Hugging Face model config with the PairRM fields) and the original llm-blender/PairRM one
     * (a serialised {@code RankerConfig}, whose {@code source_maxlength}/{@code candidate_maxlength} then become
     * this ranker's limits).
     *
     * @param folder a PairRM-hf or original-layout folder
     * @param options ranking and load-time options
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker load(Path folder, PairRankerOptions options) {
        return PairRmFolder.load(folder, null, options);
    }

    /**
     * A folder or a hub id with the default options; see {@link #load(String, PairRankerOptions)}.
     *
     * @param folderOrHubId a folder, or a hub id such as {@code llm-blender/PairRM-hf}
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker load(String folderOrHubId) {
        return load(folderOrHubId, PairRankerOptions.DEFAULT);
    }

    /**
     * Loads a folder, or a hub id such as {@code llm-blender/PairRM-hf} or {@code llm-blender/PairRM}
     * (Python's {@code loadranker(ranker_path)}), downloading it once into the Hugging Face cache as the
     * environment configures it ({@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}, {@code HF_TOKEN},
     * {@code HF_ENDPOINT}).
     *
     * @param folderOrHubId a folder, or a hub id such as {@code llm-blender/PairRM-hf}
     * @param options ranking and load-time options
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker load(String folderOrHubId, PairRankerOptions options) {
        Path folder = Path.of(folderOrHubId);
        if (Files.isDirectory(folder)) {
            return load(folder, options);
        }
        return fromHub(folderOrHubId, HubClient.fromEnvironment(System.getenv(), HubClient.Progress.NONE), options);
    }

    /**
     * Downloads (once) the model {@code repoId} through {@code hub} and loads it.
     *
     * @param repoId the hub id, e.g. {@code llm-blender/PairRM-hf}
     * @param hub the client to download with
     * @param options ranking and load-time options
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker fromHub(String repoId, HubClient hub, PairRankerOptions options) {
        return load(hub.snapshot(PairRmFolder.checkRepoId(repoId), "main", HUB_FILES), options);
    }

    /**
     * As {@link #load(Path, PairRankerOptions)}, but for the original layout with an explicit backbone instead
     * of the one its {@code model_name} names (for checkpoints whose backbone is not microsoft/deberta-v3-large).
     *
     * @param folder an original-layout folder
     * @param backbone the DeBERTa architecture of the checkpoint
     * @param options ranking and load-time options
     * @return the loaded ranker; the caller closes it
     */
    public static PairRanker load(Path folder, DebertaV2Config backbone, PairRankerOptions options) {
        return PairRmFolder.load(folder, backbone, options);
    }

    /**
     * The same model with other options; load-time options must stay those the model was loaded with.
     *
     * @param newOptions the options of the view
     * @return a view sharing this ranker's model; closing either closes the model
     * @throws IllegalArgumentException if {@code newOptions.model()} differs from the options the model was loaded
     *     with
     */
    public PairRanker withOptions(PairRankerOptions newOptions) {
        if (!newOptions.model().equals(model.options())) {
            throw new IllegalArgumentException("the model was loaded with " + model.options() + "; "
                    + newOptions.model() + " takes effect only when loading: PairRanker.load(folder, options)");
        }
        return new PairRanker(model, tokenizer, newOptions);
    }

    /**
     * The options this ranker ranks with.
     *
     * @return the options
     */
    public PairRankerOptions options() {
        return options;
    }

    // ---- Ranker, RewardModel ---------------------------------------------------------------------------------

    /** Full pairwise ranking of one input's candidates (max_logits). Python {@code rank([input], [candidates])}. */
    @Override
    public Ranking rank(Item item) {
        return rank(List.of(item)).get(0);
    }

    /**
     * Full pairwise ranking of many inputs: C·(C−1) verdicts per input, aggregated by max_logits (the
     * reference's {@code rank}; spec §3.1–3.2). Scores are higher-is-better; ranks are 1-based competition ranks.
     */
    @Override
    public List<Ranking> rank(List<Item> items) {
        return rank(items, Aggregation.Policy.MAX_LOGITS);
    }

    /**
     * As {@link #rank(List)}, with another aggregation policy.
     *
     * @param items the inputs with their candidates
     * @param policy how the comparison matrix becomes scores
     * @return one ranking per item
     */
    public List<Ranking> rank(List<Item> items, Aggregation.Policy policy) {
        Candidates.checkSameCount(items);
        int[] sizes = items.stream().mapToInt(Item::size).toArray();
        float[][][] matrices = FullPairwise.matrices(sizes, bind(items));
        List<Ranking> out = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            out.add(Ranking.of(items.get(n).candidates(), Aggregation.scores(matrices[n], policy), matrices[n]));
        }
        return out;
    }

    /** PairRM's rewards are its max_logits scores: relative to the other candidates of the same item. */
    @Override
    public float[] rewards(Item item) {
        return rank(item).scores();
    }

    // ---- PairScorer, Selector ----------------------------------------------------------------------------

    @Override
    public float[] logits(List<Item> items, List<Pair> pairs) {
        return bind(items).logits(pairs);
    }

    /** Encodes the items once; every later call only lays out and scores pair rows. */
    @Override
    public Bound bind(List<Item> items) {
        List<EncodedInput> encoded = encode(items);
        return pairs -> score(encoded, pairs);
    }

    /** Any strategy, over this model; seeded ones use {@link PairRankerOptions#seed()}. */
    @Override
    public Selector selector(Strategy strategy) {
        return strategy.selector(this, this, options.seed());
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    private List<EncodedInput> encode(List<Item> items) {
        List<String> sources = items.stream().map(Item::source).toList();
        List<List<String>> candidates = items.stream().map(Item::candidates).toList();
        return encoder.encode(sources, candidates, options.limits(), options.budgetRule(), options.budgetBatchSize());
    }

    private float[] score(List<EncodedInput> encoded, List<Pair> pairs) {
        List<long[]> rows = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            rows.add(encoder.pair(encoded.get(p.item()), p.first(), p.second()));
        }
        return model.logits(rows, options.batching(), options.progress());
    }

    /**
     * The encoder that lays out this ranker's pair sequences.
     *
     * @return the encoder
     */
    public PairEncoder encoder() {
        return encoder;
    }

    /**
     * The model this ranker runs, for its configuration and usage counters.
     *
     * @return the model, owned by this ranker
     */
    public PairRm model() {
        return model;
    }

    /** Frees the model and the tokenizer (shared with every {@link #withOptions} view), after passes in flight. */
    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
