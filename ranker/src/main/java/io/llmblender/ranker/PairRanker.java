package io.llmblender.ranker;

import io.llmblender.ranker.pairrm.PairEncoder;
import io.llmblender.ranker.pairrm.PairEncoder.BudgetRule;
import io.llmblender.ranker.pairrm.PairEncoder.EncodedInput;
import io.llmblender.ranker.pairrm.PairEncoder.Limits;
import io.llmblender.ranker.pairrm.PairRm;
import io.llmblender.ranker.pairrm.PairRmTokenizer;
import io.llmblender.ranker.select.Aggregation;
import io.llmblender.ranker.select.BubbleSelection;
import io.llmblender.ranker.select.FullPairwise;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * LLM-Blender's ranking API over PairRM, texts in and rankings out (spec §3): {@code compare}, full-matrix
 * {@code rank}, bubble {@code bestOfN}/{@code worstOfN}, {@code rankWithReference} and
 * {@code compareConversations}, each also batched over many inputs.
 *
 * <pre>{@code
 * try (PairRanker ranker = PairRanker.load(Path.of("models/PairRM-hf"))) {
 *     Ranking r = ranker.rank("hello, how are you!", List.of("get out!", "hi! I am fine, thanks!", "bye!"));
 *     r.ranks();                      // e.g. [3, 1, 2]
 *     float logit = ranker.compare("hello!", "hi!", "f**k off!", CompareMode.A_B);  // > 0: A is better
 * }
 * }</pre>
 *
 * <p>Every operation encodes its inputs with {@link PairEncoder}, then hands all the pair rows it needs to
 * {@link PairRm#logits(List, int, PairRm.Progress)}, which packs rows of similar length into forward passes.
 * Results equal the reference's up to float32 noise; the reference's batch-dependent candidate budget is an
 * option ({@link #withBudget}).
 *
 * <p>Immutable and thread-safe; the {@code with…} methods share the model. {@link #close()} frees it.
 */
public final class PairRanker implements Ranker, AutoCloseable {
    /** Reference default for {@code rank}, {@code rank_with_ref} and bubble batches (spec §7.2). */
    public static final int DEFAULT_BATCH_SIZE = 8;

    private final PairRm model;
    private final PairRmTokenizer tokenizer;
    private final PairEncoder encoder;
    private final Limits limits;
    private final BudgetRule rule;
    private final int batchSize;
    private final int rowsPerForward;
    private final PairRm.Progress progress;

    private PairRanker(
            PairRm model,
            PairRmTokenizer tokenizer,
            Limits limits,
            BudgetRule rule,
            int batchSize,
            int rowsPerForward,
            PairRm.Progress progress) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new PairEncoder(tokenizer, model.config());
        this.limits = limits;
        this.rule = rule;
        this.batchSize = batchSize;
        this.rowsPerForward = rowsPerForward;
        this.progress = progress;
    }

    /** A ranker over an already loaded model and tokenizer, with PairRM's defaults. */
    public static PairRanker of(PairRm model, PairRmTokenizer tokenizer) {
        return new PairRanker(
                model, tokenizer, Limits.PAIRRM, BudgetRule.PER_EXAMPLE, DEFAULT_BATCH_SIZE, 8, PairRm.Progress.NONE);
    }

    /**
     * Loads a model folder: {@code config.json}, the weights and {@code tokenizer.json}. Both layouts work: the
     * PairRM-hf one (a Hugging Face model config with the PairRM fields) and the original llm-blender/PairRM one
     * (a serialised {@code RankerConfig}, whose {@code source_maxlength}/{@code candidate_maxlength} then become
     * this ranker's limits).
     */
    public static PairRanker load(Path folder) {
        return load(folder, null);
    }

    /** The files a PairRM model folder needs from the hub (both layouts ship these names). */
    public static final List<String> HUB_FILES = List.of("config.json", "tokenizer.json", "model.safetensors");

    /**
     * Loads a folder, or a hub id such as {@code llm-blender/PairRM-hf} or {@code llm-blender/PairRM}
     * (Python's {@code loadranker(ranker_path)}), downloading it once into the Hugging Face cache as the
     * environment configures it ({@code HF_HOME}, {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}, {@code HF_TOKEN},
     * {@code HF_ENDPOINT}).
     */
    public static PairRanker load(String folderOrHubId) {
        Path folder = Path.of(folderOrHubId);
        if (java.nio.file.Files.isDirectory(folder)) {
            return load(folder);
        }
        return fromHub(
                folderOrHubId,
                io.llmblender.runtime.hub.HubClient.fromEnvironment(
                        System.getenv(), io.llmblender.runtime.hub.HubClient.Progress.NONE));
    }

    /** Downloads (once) the model {@code repoId} through {@code hub} and loads it. */
    public static PairRanker fromHub(String repoId, io.llmblender.runtime.hub.HubClient hub) {
        if (!repoId.matches("[\\w.-]+/[\\w.-]+")) {
            throw new IllegalArgumentException(
                    "'" + repoId + "' is neither a folder nor a hub id like" + " llm-blender/PairRM-hf");
        }
        return load(hub.snapshot(repoId, "main", HUB_FILES));
    }

    /**
     * As {@link #load(Path)}, but for the original layout with an explicit backbone instead of the one its
     * {@code model_name} names (for checkpoints whose backbone is not microsoft/deberta-v3-large).
     */
    public static PairRanker load(Path folder, io.llmblender.ranker.deberta.DebertaV2Config backbone) {
        Path configJson = folder.resolve("config.json");
        io.llmblender.runtime.JsonConfig json = io.llmblender.runtime.JsonConfig.read(configJson);
        PairRmTokenizer tokenizer = PairRmTokenizer.load(folder);
        try {
            if (io.llmblender.ranker.pairrm.RankerConfig.isRankerConfig(json)) {
                io.llmblender.ranker.pairrm.RankerConfig original = io.llmblender.ranker.pairrm.RankerConfig.from(json);
                PairRm model = PairRm.load(
                        backbone != null ? backbone : PairRm.backboneOf(original, configJson),
                        original.pairRm(),
                        PairRm.weightFile(folder),
                        configJson);
                return of(model, tokenizer).withLimits(original.limits());
            }
            return of(PairRm.load(folder), tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** The same ranker with other token limits (Python's per-call {@code source_max_length}/{@code candidate_max_length}). */
    public PairRanker withLimits(Limits newLimits) {
        return new PairRanker(model, tokenizer, newLimits, rule, batchSize, rowsPerForward, progress);
    }

    /**
     * The same ranker with another candidate-budget rule; with {@link BudgetRule#BATCH}, consecutive groups of
     * {@code newBatchSize} inputs share a budget as in {@code Blender.rank(..., batch_size=newBatchSize)}.
     */
    public PairRanker withBudget(BudgetRule newRule, int newBatchSize) {
        return new PairRanker(model, tokenizer, limits, newRule, newBatchSize, rowsPerForward, progress);
    }

    /** The same ranker reporting progress (distinct pair rows scored, total) after each forward pass. */
    public PairRanker withProgress(PairRm.Progress listener) {
        return new PairRanker(model, tokenizer, limits, rule, batchSize, rowsPerForward, listener);
    }

    /** The same ranker running up to {@code rows} pair rows per forward pass (default 8). */
    public PairRanker withRowsPerForward(int rows) {
        return new PairRanker(model, tokenizer, limits, rule, batchSize, rows, progress);
    }

    /** One input with its candidates, and an optional instruction joined to the input with no separator. */
    public record Item(String instruction, String input, List<String> candidates) {
        public Item {
            candidates = List.copyOf(candidates);
        }

        public Item(String input, List<String> candidates) {
            this(null, input, candidates);
        }

        String source() {
            return PairEncoder.source(instruction, input);
        }
    }

    // ---- rank ----------------------------------------------------------------------------------------------

    /** Full pairwise ranking of one input's candidates (max_logits). Python {@code rank([input], [candidates])}. */
    @Override
    public Ranking rank(String input, List<String> candidates) {
        return rank(List.of(new Item(input, candidates))).get(0);
    }

    /**
     * Full pairwise ranking of many inputs: C·(C−1) verdicts per input, aggregated by max_logits (the
     * reference's {@code rank}; spec §3.1–3.2). Scores are higher-is-better; ranks are 1-based competition ranks.
     */
    public List<Ranking> rank(List<Item> items) {
        return rank(items, Aggregation.Policy.MAX_LOGITS);
    }

    /** As {@link #rank(List)}, with another aggregation policy. */
    public List<Ranking> rank(List<Item> items, Aggregation.Policy policy) {
        checkRankInputs(items);
        List<EncodedInput> encoded = encode(items, List.of());
        float[][][] matrices = FullPairwise.matrices(sizes(items), scorer(encoded));
        List<Ranking> out = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            out.add(Ranking.of(items.get(n).candidates(), Aggregation.scores(matrices[n], policy), matrices[n]));
        }
        return out;
    }

    // ---- compare -------------------------------------------------------------------------------------------

    /** Candidate A against candidate B for one input; see {@link CompareMode} for the sign. */
    public float compare(String input, String a, String b, CompareMode mode) {
        return compare(List.of(new Item(input, List.of(a, b))), mode)[0];
    }

    /**
     * Many comparisons: each item's candidates are exactly {@code [A, B]}. Returns one logit per item with the
     * reference's signs (spec §3.3): {@code [A,B]} → f(A,B); {@code [B,A]} → f(B,A), not negated;
     * both → f(A,B) − f(B,A). The reference's boolean is {@code logit > 0} (a tie is false).
     */
    public float[] compare(List<Item> items, CompareMode mode) {
        for (Item item : items) {
            if (item.candidates().size() != 2) {
                throw new IllegalArgumentException("Number of candidates_A and candidates_B must be the same");
            }
        }
        List<EncodedInput> encoded = encode(items, List.of());
        List<PairScorer.Pair> pairs = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            if (mode != CompareMode.B_A) {
                pairs.add(new PairScorer.Pair(n, 0, 1));
            }
            if (mode != CompareMode.A_B) {
                pairs.add(new PairScorer.Pair(n, 1, 0));
            }
        }
        float[] logits = scorer(encoded).logits(pairs);
        float[] out = new float[items.size()];
        for (int n = 0; n < items.size(); n++) {
            out[n] = mode == CompareMode.BOTH ? logits[2 * n] - logits[2 * n + 1] : logits[n];
        }
        return out;
    }

    /** Python's {@code compare(inputs, candidates_A, candidates_B, instructions, mode)} argument layout. */
    public float[] compare(
            List<String> instructions,
            List<String> inputs,
            List<String> candidatesA,
            List<String> candidatesB,
            CompareMode mode) {
        if (candidatesA.size() != candidatesB.size()) {
            throw new IllegalArgumentException("Number of candidates_A and candidates_B must be the same");
        }
        if (inputs.size() != candidatesA.size()) {
            throw new IllegalArgumentException("Number of inputs and candidates must be the same");
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            items.add(new Item(
                    instructions == null ? null : instructions.get(i),
                    inputs.get(i),
                    List.of(candidatesA.get(i), candidatesB.get(i))));
        }
        return compare(items, mode);
    }

    // ---- best-of-n -----------------------------------------------------------------------------------------

    /** Bubble best-of-n from a random starting permutation drawn from {@code random} (O(C) verdicts). */
    public BubbleSelection.Result bestOfN(String input, List<String> candidates, SplittableRandom random) {
        return bestOfN(List.of(new Item(input, candidates)), List.of(shuffled(candidates.size(), random)))
                .get(0);
    }

    /**
     * Bubble best-of-n for many inputs, each from its own explicit starting permutation (spec §3.5–3.6). The
     * result holds the winner and the elimination order, which is not a ranking; use {@link #rank} for one.
     */
    public List<BubbleSelection.Result> bestOfN(List<Item> items, List<int[]> startPermutations) {
        return bubble(items, startPermutations, true);
    }

    /** Mirror of {@link #bestOfN(List, List)}: the worst candidate of each input. */
    public List<BubbleSelection.Result> worstOfN(List<Item> items, List<int[]> startPermutations) {
        return bubble(items, startPermutations, false);
    }

    private List<BubbleSelection.Result> bubble(List<Item> items, List<int[]> starts, boolean best) {
        checkRankInputs(items);
        if (starts.size() != items.size()) {
            throw new IllegalArgumentException("one start permutation per input is needed; got " + starts.size()
                    + " for " + items.size() + " inputs");
        }
        for (int n = 0; n < items.size(); n++) {
            if (starts.get(n).length != items.get(n).candidates().size()) {
                throw new IllegalArgumentException("start permutation of input " + n + " has " + starts.get(n).length
                        + " entries for " + items.get(n).candidates().size() + " candidates");
            }
        }
        List<EncodedInput> encoded = encode(items, List.of());
        return BubbleSelection.select(starts.toArray(new int[0][]), scorer(encoded), best);
    }

    /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates). */
    public static int[] shuffled(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    // ---- rank with reference -------------------------------------------------------------------------------

    /** How {@code rankWithReference} picks the reference among an input's candidates (spec §3.4). */
    public enum ReferenceMode {
        /** The first candidate of maximal length (code points). The default. */
        LONGEST,
        /** The first candidate of minimal length. */
        SHORTEST,
        /** Stable sort by length, index C/2 (the upper median for even C). */
        MEDIAN_LENGTH,
        FIRST,
        LAST;

        /** Python's {@code ref_mode} string. */
        public static ReferenceMode fromPython(String mode) {
            return switch (mode) {
                case "longest" -> LONGEST;
                case "shortest" -> SHORTEST;
                case "median_length" -> MEDIAN_LENGTH;
                case "first" -> FIRST;
                case "last" -> LAST;
                default -> throw new IllegalArgumentException("Unknown ref_mode: " + mode);
            };
        }

        /** The index of the reference among {@code candidates}; lengths are Unicode code points, as Python's len. */
        public int pick(List<String> candidates) {
            int c = candidates.size();
            int[] len = candidates.stream()
                    .mapToInt(s -> s.codePointCount(0, s.length()))
                    .toArray();
            return switch (this) {
                case FIRST -> 0;
                case LAST -> c - 1;
                case LONGEST -> firstIndexOf(len, Arrays.stream(len).max().orElseThrow());
                case SHORTEST -> firstIndexOf(len, Arrays.stream(len).min().orElseThrow());
                case MEDIAN_LENGTH ->
                    java.util.stream.IntStream.range(0, c)
                            .boxed()
                            .sorted((x, y) -> Integer.compare(len[x], len[y]))
                            .toList()
                            .get(c / 2);
            };
        }

        private static int firstIndexOf(int[] values, int value) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] == value) {
                    return i;
                }
            }
            throw new IllegalStateException();
        }
    }

    /** Scalar rewards of one input's candidates against a reference picked by {@code mode}. */
    public Ranking rankWithReference(String input, List<String> candidates, ReferenceMode mode) {
        return rankWithReference(List.of(new Item(input, candidates)), mode).get(0);
    }

    /**
     * Rewards against a reference picked among each input's candidates: {@code reward(c) = f(c, ref) − f(ref, c)}
     * (both orders; the reference itself gets −0.0), ranked as scores (the reference's {@code rank_with_ref}).
     */
    public List<Ranking> rankWithReference(List<Item> items, ReferenceMode mode) {
        checkRankInputs(items);
        List<String> refs = new ArrayList<>();
        for (Item item : items) {
            refs.add(item.candidates().get(mode.pick(item.candidates())));
        }
        return rankAgainst(items, refs);
    }

    /** Rewards against an explicit reference per input ({@code ref_candidates}). */
    public List<Ranking> rankWithReference(List<Item> items, List<String> references) {
        if (references.size() != items.size()) {
            throw new IllegalArgumentException("Number of ref_candidates must be the same as inputs");
        }
        for (String r : references) {
            if (r == null) {
                throw new IllegalArgumentException("Each ref_candidate must be a string");
            }
        }
        checkRankInputs(items);
        return rankAgainst(items, references);
    }

    private List<Ranking> rankAgainst(List<Item> items, List<String> references) {
        // The reference is encoded as one more candidate of its input, with the same budget (spec §3.4).
        List<EncodedInput> encoded = encode(items, references);
        List<PairScorer.Pair> pairs = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            int ref = items.get(n).candidates().size();
            for (int c = 0; c < ref; c++) {
                pairs.add(new PairScorer.Pair(n, ref, c));
                pairs.add(new PairScorer.Pair(n, c, ref));
            }
        }
        float[] logits = scorer(encoded).logits(pairs);
        List<Ranking> out = new ArrayList<>();
        int k = 0;
        for (Item item : items) {
            float[] rewards = new float[item.candidates().size()];
            for (int c = 0; c < rewards.length; c++) {
                float logit = logits[k] - logits[k + 1]; // compare(ref, c) in both orders
                rewards[c] = -logit;
                k += 2;
            }
            out.add(Ranking.of(item.candidates(), rewards, new float[0][]));
        }
        return out;
    }

    // ---- conversations -------------------------------------------------------------------------------------

    /** The constant instruction of conversation comparison; the typo "coversation" is the reference's. */
    public static final String CONVERSATION_INSTRUCTION =
            "Finish the following coversation in each i-th turn by filling in <Response i> with your response.";

    /**
     * Compares two sets of multi-turn conversations that share their USER turns (spec §2.8): the user turns
     * become the input, each side's assistant turns its candidate. Validation and messages are the reference's.
     */
    public float[] compareConversations(
            List<List<Turn>> conversationsA, List<List<Turn>> conversationsB, CompareMode mode) {
        return compare(conversationItems(conversationsA, conversationsB), mode);
    }

    /** The items {@link #compareConversations} compares: instruction, input and the two candidate texts. */
    public static List<Item> conversationItems(List<List<Turn>> a, List<List<Turn>> b) {
        for (List<List<Turn>> side : List.of(a, b)) {
            for (List<Turn> conversation : side) {
                if (conversation.size() % 2 != 0) {
                    throw new IllegalArgumentException("Each conversation must have even number of turns");
                }
                for (int i = 0; i < conversation.size(); i++) {
                    String role = conversation.get(i).role();
                    if (i % 2 == 0 && !"USER".equals(role)) {
                        throw new IllegalArgumentException("Each even turn must be USER");
                    }
                    if (i % 2 == 1 && !"ASSISTANT".equals(role)) {
                        throw new IllegalArgumentException("Each odd turn must be ASSISTANT");
                    }
                }
            }
        }
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("Number of conversations must be the same");
        }
        List<Item> items = new ArrayList<>();
        for (int n = 0; n < a.size(); n++) {
            List<Turn> ca = a.get(n);
            List<Turn> cb = b.get(n);
            if (ca.size() != cb.size()) {
                throw new IllegalArgumentException("Number of turns in each conversation must be the same");
            }
            List<String> input = new ArrayList<>();
            List<String> textA = new ArrayList<>();
            List<String> textB = new ArrayList<>();
            for (int i = 0; i < ca.size(); i += 2) {
                if (!ca.get(i).content().equals(cb.get(i).content())) {
                    throw new IllegalArgumentException("USER turns must be the same");
                }
                int k = i / 2 + 1;
                input.add("USER: " + ca.get(i).content() + "\nAssistant: <Response " + k + ">");
                textA.add("<Response " + k + ">: " + ca.get(i + 1).content());
                textB.add("<Response " + k + ">: " + cb.get(i + 1).content());
            }
            items.add(new Item(
                    CONVERSATION_INSTRUCTION,
                    String.join("\n", input),
                    List.of(String.join("\n", textA), String.join("\n", textB))));
        }
        return items;
    }

    // ---- plumbing ------------------------------------------------------------------------------------------

    /** Encodes every item's candidates, plus {@code extra.get(n)} as one more candidate of item n if given. */
    private List<EncodedInput> encode(List<Item> items, List<String> extra) {
        List<String> sources = new ArrayList<>();
        List<List<String>> candidates = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            sources.add(items.get(n).source());
            List<String> c = new ArrayList<>(items.get(n).candidates());
            if (!extra.isEmpty()) {
                c.add(extra.get(n));
            }
            candidates.add(c);
        }
        return encoder.encode(sources, candidates, limits, rule, batchSize);
    }

    private PairScorer scorer(List<EncodedInput> encoded) {
        return pairs -> {
            List<long[]> rows = new ArrayList<>(pairs.size());
            for (PairScorer.Pair p : pairs) {
                rows.add(encoder.pair(encoded.get(p.input()), p.first(), p.second()));
            }
            return model.logits(rows, rowsPerForward, progress);
        };
    }

    private static int[] sizes(List<Item> items) {
        return items.stream().mapToInt(i -> i.candidates().size()).toArray();
    }

    private static void checkRankInputs(List<Item> items) {
        int c = -1;
        for (Item item : items) {
            if (item.candidates().isEmpty()) {
                throw new IllegalArgumentException("Each input must have at least one candidate");
            }
            if (c >= 0 && item.candidates().size() != c) {
                throw new IllegalArgumentException("Number of candidates for each input must be the same");
            }
            c = item.candidates().size();
        }
    }

    public PairEncoder encoder() {
        return encoder;
    }

    public PairRm model() {
        return model;
    }

    public Limits limits() {
        return limits;
    }

    /** Frees the model and the tokenizer (shared with every {@code with…} copy). Idempotent. */
    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
