package io.llmblender.ranker.pairrm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.llmblender.ranker.Batching;
import io.llmblender.ranker.deberta.AttentionMask;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.deberta.DebertaV2Encoder;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.PassGate;
import io.llmblender.runtime.checkpoint.CheckpointException;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.kernel.Precision;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * PairRM (llm-blender/PairRM, Jiang et al., ACL 2023): a DeBERTa-v3 encoder reads
 * {@code [CLS] <|source|> … [SEP] [CLS] <|candidate1|> … [SEP] [CLS] <|candidate2|> … [SEP]} and a small head
 * scores the source against each candidate from the same joint encoding; the logit {@code left − right}
 * is positive when candidate 1 is the better answer.
 *
 * <pre>{@code
 * try (PairRm pairRm = PairRm.load(Path.of("models/PairRM-hf"))) {
 *     PairRmOutput out = pairRm.forward(inputIds, attentionMask, false);
 *     float logit = out.logits()[0];          // > 0: candidate 1 preferred
 * }
 * }</pre>
 *
 * <p>Each forward pass runs in its own native-memory scope, so memory stays flat however many passes run;
 * the weights live until {@link #close()}. Thread-safe: concurrent passes share the read-only weights (torch
 * already spreads one pass over all cores, so concurrency rarely helps throughput).
 *
 * <p>A model file over 300 lines, as Hugging Face's {@code DebertaV2PairRM} wrapper is one class: loading (both
 * layouts, config checks, precision), the pass (permit, column trimming, scope) and the row packing belong to one
 * lifetime of the weights; the maths of each part lives in {@code deberta/} and {@link PairRmHead}.
 */
public final class PairRm implements AutoCloseable {
    /** The HF wrapper's attribute names (spec §1.5): the original and the -hf checkpoints share them. */
    private static final String ENCODER_PREFIX = "pretrained_model.";

    private final NDManager weights;
    private final DebertaV2Encoder encoder;
    private final PairRmHead head;
    private final PairRmConfig config;
    private final Path source;
    private final PairRmOptions options;
    private final Kernel kernel;
    private final PassGate gate;
    private final AtomicLong passes = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong paddedTokens = new AtomicLong();

    private PairRm(
            NDManager weights,
            DebertaV2Encoder encoder,
            PairRmHead head,
            PairRmConfig config,
            Path source,
            PairRmOptions options,
            Kernel kernel) {
        this.weights = weights;
        this.encoder = encoder;
        this.head = head;
        this.config = config;
        this.source = source;
        this.options = options;
        this.kernel = kernel;
        this.gate = new PassGate(
                "PairRM (" + (source == null ? "synthetic weights" : source) + ")", options.concurrentPasses());
    }

    /**
     * Loads a PairRM-hf model folder: {@code config.json} and the first of {@code model.safetensors},
     * {@code model.safetensors.index.json}, {@code pytorch_model.bin} that exists. (The Python loader prefers
     * the pickle when both exist; safetensors is preferred here because it needs no unpickling and maps
     * without a copy.)
     *
     * @param folder the model folder
     * @return the loaded model; the caller closes it
     */
    public static PairRm load(Path folder) {
        return load(folder, PairRmOptions.DEFAULT);
    }

    /**
     * As {@link #load(Path)}, with load-time options.
     *
     * @param folder the model folder
     * @param options load-time options
     * @return the loaded model; the caller closes it
     */
    public static PairRm load(Path folder, PairRmOptions options) {
        return load(folder.resolve("config.json"), weightFile(folder), options);
    }

    /**
     * The weight file of a model folder: the first of the three names above that exists.
     *
     * @param folder the model folder
     * @return the weight file
     * @throws io.llmblender.runtime.checkpoint.CheckpointException if the folder holds none of them
     */
    public static Path weightFile(Path folder) {
        for (String name : List.of("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin")) {
            Path candidate = folder.resolve(name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        // The reference's message (spec §1.6 step 8), with the fix.
        throw new CheckpointException(
                folder,
                null,
                "Cannot find pytorch_model.bin or model.safetensors in " + folder
                        + "; download llm-blender/PairRM-hf into this folder or pass the weight file explicitly");
    }

    /**
     * Loads the architecture from {@code configJson} and the weights from {@code weightFile} (any format).
     * {@code configJson} is either a PairRM-hf model config or the original layout's {@code RankerConfig}; for
     * the latter the backbone is the one its {@code model_name} names (see {@link #backboneOf}).
     *
     * @param configJson a PairRM-hf model config or an original-layout ranker config
     * @param weightFile the weights, in any supported format
     * @return the loaded model; the caller closes it
     */
    public static PairRm load(Path configJson, Path weightFile) {
        return load(configJson, weightFile, PairRmOptions.DEFAULT);
    }

    /**
     * As {@link #load(Path, Path)}, with load-time options.
     *
     * @param configJson a PairRM-hf model config or an original-layout ranker config
     * @param weightFile the weights, in any supported format
     * @param options load-time options
     * @return the loaded model; the caller closes it
     */
    public static PairRm load(Path configJson, Path weightFile, PairRmOptions options) {
        JsonConfig json = JsonConfig.read(configJson);
        if (RankerConfig.isRankerConfig(json)) {
            RankerConfig ranker = RankerConfig.from(json);
            return load(backboneOf(ranker, configJson), ranker.pairRm(), weightFile, configJson, options);
        }
        return load(DebertaV2Config.from(json), PairRmConfig.from(json), weightFile, configJson, options);
    }

    /**
     * The backbone of the original layout: its config names a Hugging Face model rather than describing it, and
     * the only one PairRM uses is microsoft/deberta-v3-large, with the embedding resized to the 128005 entries
     * of the tokenizer plus the four markers (spec §1.6 steps 4–6).
     *
     * @param ranker the original layout's ranker config
     * @param configJson the file it came from, for messages
     * @return deberta-v3-large's configuration with PairRM's vocabulary
     */
    public static DebertaV2Config backboneOf(RankerConfig ranker, Path configJson) {
        if (!ranker.modelName().equals("microsoft/deberta-v3-large")) {
            throw new io.llmblender.runtime.ConfigException(
                    configJson,
                    "model_name",
                    "is '" + ranker.modelName()
                            + "'; only microsoft/deberta-v3-large (PairRM's backbone) is known. Use a PairRM-hf style"
                            + " config.json that describes the backbone instead");
        }
        return DebertaV2Config.debertaV3Large(128005);
    }

    /**
     * Loads with explicit configurations (e.g. an original-layout folder whose backbone is not the standard one).
     *
     * @param deberta the backbone's architecture
     * @param pairRm the prefix ids and task count
     * @param weightFile the weights
     * @param configJson the config file, named in messages
     * @param options load-time options
     * @return the loaded model; the caller closes it
     */
    public static PairRm load(
            DebertaV2Config deberta, PairRmConfig pairRm, Path weightFile, Path configJson, PairRmOptions options) {
        DjlRuntime.enterInference();
        Kernel kernel = openKernel(options);
        NDManager weights = DjlRuntime.newManager(options.device());
        try (TensorSource source = TensorSource.open(weightFile)) {
            StateDict w =
                    new StateDict(source, weights, configJson.getFileName().toString());
            PairRm model = build(weights, w, deberta, pairRm, weightFile, options, kernel);
            w.finish();
            return model;
        } catch (RuntimeException e) {
            weights.close();
            kernel.close();
            throw e;
        }
    }

    /**
     * A model of the given shapes with random weights (N(0, 0.02²)), for benchmarks: no download needed.
     *
     * @param deberta the backbone's architecture
     * @param pairRm the prefix ids and task count
     * @param seed the weights' seed
     * @param options load-time options
     * @return a model with random weights; the caller closes it
     */
    public static PairRm synthetic(DebertaV2Config deberta, PairRmConfig pairRm, long seed, PairRmOptions options) {
        DjlRuntime.enterInference();
        Kernel kernel = openKernel(options);
        NDManager weights = DjlRuntime.newManager(options.device());
        try {
            return build(weights, StateDict.synthetic(weights, seed), deberta, pairRm, null, options, kernel);
        } catch (RuntimeException e) {
            weights.close();
            kernel.close();
            throw e;
        }
    }

    /** The kernel of the options' precision on the options' device. */
    private static Kernel openKernel(PairRmOptions options) {
        return Kernel.open(options.precision(), options.device());
    }

    private static PairRm build(
            NDManager weights,
            StateDict w,
            DebertaV2Config deberta,
            PairRmConfig pairRm,
            Path source,
            PairRmOptions options,
            Kernel kernel) {
        DebertaV2Encoder encoder = DebertaV2Encoder.load(w, ENCODER_PREFIX, deberta, kernel, options.attentionBlock());
        PairRmHead head = PairRmHead.load(w, deberta.hiddenSize(), pairRm.nTasks());
        return new PairRm(weights, encoder, head, pairRm, source, options, kernel);
    }

    /**
     * One forward pass over assembled pair sequences (spec §1.3), exactly as the HF {@code DebertaV2PairRM}:
     * columns that are padding in every row are dropped, the encoder runs, and the head reads the hidden
     * states at the three prefix tokens, located by id.
     *
     * @param inputIds {@code [rows][length]} token ids; every row holds each prefix id exactly once
     * @param attentionMask {@code [rows][length]}, 1 for tokens and 0 for padding
     * @param keepHiddenStates also copy out {@code last_hidden_state} (costly for long inputs; for parity checks)
     * @return the logits, the head's scores and, if asked, the hidden states
     */
    public PairRmOutput forward(long[][] inputIds, long[][] attentionMask, boolean keepHiddenStates) {
        PairBatch batch = PairBatch.of(inputIds, attentionMask, encoder.config().vocabSize(), config);
        return gate.pass(() -> run(batch, keepHiddenStates));
    }

    private PairRmOutput run(PairBatch batch, boolean keepHiddenStates) {
        int b = batch.rows();
        int l = batch.length();
        int h = encoder.config().hiddenSize();
        boolean packed = batch.segments() != null;
        passes.incrementAndGet();
        rows.addAndGet(b);
        paddedTokens.addAndGet(packed ? l : (long) b * l);
        DjlRuntime.enterInference();
        try (NDManager pass = weights.newSubManager()) {
            Shape shape = new Shape(packed ? 1 : b, l);
            NDArray ids = pass.create(batch.ids(), shape);
            AttentionMask layout = packed
                    ? AttentionMask.packed(batch.segments())
                    : AttentionMask.of(pass.create(batch.mask(), shape), batch.hasPadding());
            NDArray hidden = encoder.forward(pass, ids, layout);

            // The three prefix vectors of each row, picked from the flattened [B·L, H] states.
            NDArray flat = hidden.reshape(-1, h);
            NDArray src = flat.get(new NDIndex("{}", pass.create(batch.rowsOf(batch.sourcePositions()))));
            NDArray c1 = flat.get(new NDIndex("{}", pass.create(batch.rowsOf(batch.cand1Positions()))));
            NDArray c2 = flat.get(new NDIndex("{}", pass.create(batch.rowsOf(batch.cand2Positions()))));
            NDArray left = head.score(src, c1);
            NDArray right = head.score(src, c2);
            NDArray logits = left.sub(right).mean(new int[] {1}); // mean over tasks (spec §1.3 step 6)
            return new PairRmOutput(
                    b,
                    config.nTasks(),
                    h,
                    batch.keptColumns(),
                    batch.sourcePositions(),
                    batch.cand1Positions(),
                    batch.cand2Positions(),
                    keepHiddenStates ? hidden.toFloatArray() : null,
                    left.toFloatArray(),
                    right.toFloatArray(),
                    logits.toFloatArray());
        } catch (ai.djl.engine.EngineException e) {
            throw new BlenderException("PairRM forward pass failed in the PyTorch engine: " + e.getMessage(), e);
        }
    }

    /**
     * Logits of many unpadded pair rows ({@link PairEncoder#pair}), packed into forward passes by
     * {@code batching} (longest first, so each pass pads to nearly its own length). Identical rows are computed
     * once, so equal inputs always get bit-identical logits (the reference's exact ties depend on that, spec
     * §3.5).
     *
     * @param rows the pair rows' token ids
     * @param batching how rows are packed into passes
     * @param progress told the number of distinct rows done after each pass, and the total
     * @return one logit per row, in order
     */
    public float[] logits(List<long[]> rows, Batching batching, Progress progress) {
        Map<LongBuffer, Integer> distinct = new HashMap<>();
        List<long[]> unique = new ArrayList<>();
        int[] slot = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            Integer at = distinct.putIfAbsent(LongBuffer.wrap(row), unique.size());
            if (at == null) {
                at = unique.size();
                unique.add(row);
            }
            slot[r] = at;
        }
        float[] uniqueLogits = new float[unique.size()];
        int done = 0;
        for (int[] pass : batching.pack(unique.stream().mapToInt(r -> r.length).toArray())) {
            List<long[]> passRows = Arrays.stream(pass).mapToObj(unique::get).toList();
            float[] logits = logits(passRows);
            for (int i = 0; i < pass.length; i++) {
                uniqueLogits[pass[i]] = logits[i];
            }
            done += pass.length;
            progress.done(done, unique.size());
        }
        float[] out = new float[rows.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = uniqueLogits[slot[r]];
        }
        return out;
    }

    /**
     * One pass over unpadded rows. Rows of one length run as a plain batch; rows of different lengths run packed
     * one after another (each attending within itself), so no padding token is computed: the linear layers see
     * only real tokens, and the attention costs each row's own L² instead of the longest row's.
     */
    private float[] logits(List<long[]> passRows) {
        int width = passRows.get(0).length;
        if (passRows.stream().allMatch(r -> r.length == width)) {
            long[][] ids = passRows.toArray(long[][]::new);
            long[][] mask = new long[ids.length][width];
            for (long[] m : mask) {
                Arrays.fill(m, 1L);
            }
            return logits(ids, mask);
        }
        PairBatch batch = PairBatch.packed(passRows, encoder.config().vocabSize(), config);
        return gate.pass(() -> run(batch, false)).logits();
    }

    /** Told how far a long scoring job has come. */
    @FunctionalInterface
    public interface Progress {
        /** Reports nothing. */
        Progress NONE = (done, total) -> {};

        /**
         * Called after each forward pass, from the scoring thread.
         *
         * @param done distinct pair rows scored so far
         * @param total distinct pair rows in the job
         */
        void done(int done, int total);
    }

    /**
     * The logits alone: {@code f(candidate1, candidate2)} per row.
     *
     * @param inputIds {@code [rows][length]} token ids
     * @param attentionMask {@code [rows][length]}, 1 for tokens and 0 for padding
     * @return one logit per row
     */
    public float[] logits(long[][] inputIds, long[][] attentionMask) {
        return forward(inputIds, attentionMask, false).logits();
    }

    /**
     * The backbone's architecture.
     *
     * @return the DeBERTa configuration
     */
    public DebertaV2Config encoderConfig() {
        return encoder.config();
    }

    /**
     * The prefix ids and task count this model uses.
     *
     * @return the PairRM configuration
     */
    public PairRmConfig config() {
        return config;
    }

    /**
     * The weight file this model was loaded from, or null for a synthetic one.
     *
     * @return the file, or null
     */
    public Path source() {
        return source;
    }

    /**
     * What this model has computed so far (for benchmarks and traces: read before and after, subtract).
     *
     * @param passes forward passes
     * @param rows pair rows scored
     * @param paddedTokens tokens computed, padding included (rows × each padded pass's trimmed width; a packed
     *     pass computes no padding, so its real tokens)
     */
    public record Usage(long passes, long rows, long paddedTokens) {
        /**
         * The work done between {@code earlier} and this reading.
         *
         * @param earlier an earlier reading of the same model
         * @return the differences of the three counters
         */
        public Usage minus(Usage earlier) {
            return new Usage(passes - earlier.passes, rows - earlier.rows, paddedTokens - earlier.paddedTokens);
        }
    }

    /**
     * The forward passes, pair rows and tokens computed, padding included, since loading.
     *
     * @return the counters so far
     */
    public Usage usage() {
        return new Usage(passes.get(), rows.get(), paddedTokens.get());
    }

    /**
     * The precision its matmuls run in: {@code FP32} or {@code BF16} (never {@code AUTO}).
     *
     * @return the resolved precision
     */
    public Precision precision() {
        return kernel.precision();
    }

    /**
     * The options this model was loaded with.
     *
     * @return the options
     */
    public PairRmOptions options() {
        return options;
    }

    /**
     * How many native arrays the model holds; constant across forward passes (tests check it).
     *
     * @return the number of live arrays the model's manager holds
     */
    public int managedArrays() {
        return weights.getManagedArrays().size();
    }

    /** Frees every weight. Idempotent. */
    @Override
    public void close() {
        gate.close(() -> {
            weights.close();
            kernel.close();
        });
    }
}
