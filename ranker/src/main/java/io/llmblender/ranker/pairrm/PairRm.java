package io.llmblender.ranker.pairrm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.llmblender.ranker.deberta.AttentionMask;
import io.llmblender.ranker.deberta.DebertaV2Config;
import io.llmblender.ranker.deberta.DebertaV2Encoder;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.checkpoint.CheckpointException;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
 */
public final class PairRm implements AutoCloseable {
    /** The HF wrapper's attribute names (spec §1.5): the original and the -hf checkpoints share them. */
    private static final String ENCODER_PREFIX = "pretrained_model.";

    private final NDManager weights;
    private final DebertaV2Encoder encoder;
    private final PairRmHead head;
    private final PairRmConfig config;
    private final Path source;

    private PairRm(NDManager weights, DebertaV2Encoder encoder, PairRmHead head, PairRmConfig config, Path source) {
        this.weights = weights;
        this.encoder = encoder;
        this.head = head;
        this.config = config;
        this.source = source;
    }

    /**
     * Loads a PairRM-hf model folder: {@code config.json} and the first of {@code model.safetensors},
     * {@code model.safetensors.index.json}, {@code pytorch_model.bin} that exists. (The Python loader prefers
     * the pickle when both exist; safetensors is preferred here because it needs no unpickling and maps
     * without a copy.)
     */
    public static PairRm load(Path folder) {
        return load(folder.resolve("config.json"), weightFile(folder));
    }

    /** The weight file of a model folder: the first of the three names above that exists. */
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
     */
    public static PairRm load(Path configJson, Path weightFile) {
        JsonConfig json = JsonConfig.read(configJson);
        if (RankerConfig.isRankerConfig(json)) {
            RankerConfig ranker = RankerConfig.from(json);
            return load(backboneOf(ranker, configJson), ranker.pairRm(), weightFile, configJson);
        }
        return load(DebertaV2Config.from(json), PairRmConfig.from(json), weightFile, configJson);
    }

    /**
     * The backbone of the original layout: its config names a Hugging Face model rather than describing it, and
     * the only one PairRM uses is microsoft/deberta-v3-large, with the embedding resized to the 128005 entries
     * of the tokenizer plus the four markers (spec §1.6 steps 4–6).
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

    /** Loads with explicit configurations (e.g. an original-layout folder whose backbone is not the standard one). */
    public static PairRm load(DebertaV2Config deberta, PairRmConfig pairRm, Path weightFile, Path configJson) {
        DjlRuntime.enterInference();
        NDManager weights = DjlRuntime.newManager();
        try (TensorSource source = TensorSource.open(weightFile)) {
            StateDict w =
                    new StateDict(source, weights, configJson.getFileName().toString());
            PairRm model = build(weights, w, deberta, pairRm, weightFile);
            w.finish();
            return model;
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * A model of the given shapes with random weights (N(0, 0.02²)), for benchmarks: no download needed.
     */
    public static PairRm synthetic(DebertaV2Config deberta, PairRmConfig pairRm, long seed) {
        DjlRuntime.enterInference();
        NDManager weights = DjlRuntime.newManager();
        try {
            return build(weights, StateDict.synthetic(weights, seed), deberta, pairRm, null);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static PairRm build(
            NDManager weights, StateDict w, DebertaV2Config deberta, PairRmConfig pairRm, Path source) {
        DebertaV2Encoder encoder = DebertaV2Encoder.load(w, ENCODER_PREFIX, deberta);
        PairRmHead head = PairRmHead.load(w, deberta.hiddenSize(), pairRm.nTasks());
        return new PairRm(weights, encoder, head, pairRm, source);
    }

    /**
     * One forward pass over assembled pair sequences (spec §1.3), exactly as the HF {@code DebertaV2PairRM}:
     * columns that are padding in every row are dropped, the encoder runs, and the head reads the hidden
     * states at the three prefix tokens, located by id.
     *
     * @param inputIds {@code [rows][length]} token ids; every row holds each prefix id exactly once
     * @param attentionMask {@code [rows][length]}, 1 for tokens and 0 for padding
     * @param keepHiddenStates also copy out {@code last_hidden_state} (costly for long inputs; for parity checks)
     */
    public PairRmOutput forward(long[][] inputIds, long[][] attentionMask, boolean keepHiddenStates) {
        Batch batch = Batch.of(inputIds, attentionMask, encoder.config().vocabSize(), config);
        int b = batch.rows();
        int l = batch.length();
        int h = encoder.config().hiddenSize();
        DjlRuntime.enterInference();
        try (NDManager pass = weights.newSubManager()) {
            NDArray ids = pass.create(batch.ids(), new Shape(b, l));
            NDArray mask = pass.create(batch.mask(), new Shape(b, l));
            NDArray hidden = encoder.forward(pass, ids, AttentionMask.of(mask, batch.hasPadding()));

            // The three prefix vectors of each row, picked from the flattened [B·L, H] states.
            NDArray flat = hidden.reshape(b * (long) l, h);
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
                    keepHiddenStates ? hidden.toFloatArray() : null,
                    left.toFloatArray(),
                    right.toFloatArray(),
                    logits.toFloatArray());
        } catch (ai.djl.engine.EngineException e) {
            throw new BlenderException("PairRM forward pass failed in the PyTorch engine: " + e.getMessage(), e);
        }
    }

    /**
     * Logits of many unpadded pair rows ({@link PairEncoder#pair}), run in batches of up to {@code batchRows}
     * rows of similar length so that little compute goes to padding. Identical rows are computed once, so equal
     * inputs always get bit-identical logits (the reference's exact ties depend on that, spec §3.5).
     *
     * @param progress told the number of distinct rows done after each batch, and the total
     */
    public float[] logits(List<long[]> rows, int batchRows, Progress progress) {
        if (batchRows < 1) {
            throw new IllegalArgumentException("batchRows must be at least 1, was " + batchRows);
        }
        // Distinct rows, longest first, so each batch pads to nearly its own length.
        java.util.Map<java.nio.LongBuffer, Integer> distinct = new java.util.HashMap<>();
        List<long[]> unique = new ArrayList<>();
        int[] slot = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            long[] row = rows.get(r);
            Integer at = distinct.putIfAbsent(java.nio.LongBuffer.wrap(row), unique.size());
            if (at == null) {
                at = unique.size();
                unique.add(row);
            }
            slot[r] = at;
        }
        Integer[] order = new Integer[unique.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Integer.compare(unique.get(b).length, unique.get(a).length));
        float[] uniqueLogits = new float[unique.size()];
        for (int start = 0; start < order.length; start += batchRows) {
            int end = Math.min(order.length, start + batchRows);
            int width = unique.get(order[start]).length;
            long[][] ids = new long[end - start][width];
            long[][] mask = new long[end - start][width];
            for (int i = start; i < end; i++) {
                long[] row = unique.get(order[i]);
                System.arraycopy(row, 0, ids[i - start], 0, row.length);
                java.util.Arrays.fill(mask[i - start], 0, row.length, 1L);
            }
            float[] batch = logits(ids, mask);
            for (int i = start; i < end; i++) {
                uniqueLogits[order[i]] = batch[i - start];
            }
            progress.done(end, order.length);
        }
        float[] out = new float[rows.size()];
        for (int r = 0; r < out.length; r++) {
            out[r] = uniqueLogits[slot[r]];
        }
        return out;
    }

    /** Told how far a long scoring job has come. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        void done(int done, int total);
    }

    /** The logits alone: {@code f(candidate1, candidate2)} per row. */
    public float[] logits(long[][] inputIds, long[][] attentionMask) {
        return forward(inputIds, attentionMask, false).logits();
    }

    public DebertaV2Config encoderConfig() {
        return encoder.config();
    }

    public PairRmConfig config() {
        return config;
    }

    /** The weight file this model was loaded from, or null for a synthetic one. */
    public Path source() {
        return source;
    }

    /** How many native arrays the model holds; constant across forward passes (tests check it). */
    public int managedArrays() {
        return weights.getManagedArrays().size();
    }

    /** Frees every weight. Idempotent. */
    @Override
    public void close() {
        weights.close();
    }

    /** A validated, trimmed batch in the flat form the engine takes. */
    private record Batch(
            int rows,
            int length,
            long[] ids,
            long[] mask,
            boolean hasPadding,
            int[] keptColumns,
            int[] sourcePositions,
            int[] cand1Positions,
            int[] cand2Positions) {

        static Batch of(long[][] inputIds, long[][] attentionMask, int vocab, PairRmConfig c) {
            if (inputIds.length == 0) {
                throw new IllegalArgumentException("the batch is empty; pass at least one row");
            }
            if (attentionMask.length != inputIds.length) {
                throw new IllegalArgumentException(
                        "input_ids has " + inputIds.length + " rows but attention_mask has " + attentionMask.length);
            }
            int width = inputIds[0].length;
            for (int r = 0; r < inputIds.length; r++) {
                if (inputIds[r].length != width || attentionMask[r].length != width) {
                    throw new IllegalArgumentException("row " + r + " of input_ids/attention_mask has length "
                            + inputIds[r].length + "/" + attentionMask[r].length + ", expected " + width
                            + "; pad every row to the same length");
                }
            }
            // Column trimming (spec §1.3 step 1): keep every column where some row is not padding.
            List<Integer> kept = new ArrayList<>();
            for (int col = 0; col < width; col++) {
                for (long[] row : attentionMask) {
                    if (row[col] != 0) {
                        kept.add(col);
                        break;
                    }
                }
            }
            int rows = inputIds.length;
            int length = kept.size();
            long[] ids = new long[rows * length];
            long[] mask = new long[rows * length];
            boolean padding = false;
            int[] src = new int[rows];
            int[] c1 = new int[rows];
            int[] c2 = new int[rows];
            for (int r = 0; r < rows; r++) {
                int[] found = {-1, -1, -1};
                for (int p = 0; p < length; p++) {
                    long id = inputIds[r][kept.get(p)];
                    if (id < 0 || id >= vocab) {
                        throw new IllegalArgumentException(
                                "row " + r + " holds token id " + id + ", outside the vocabulary of " + vocab
                                        + "; was it encoded with this model's tokenizer?");
                    }
                    ids[r * length + p] = id;
                    mask[r * length + p] = attentionMask[r][kept.get(p)];
                    padding |= mask[r * length + p] == 0;
                    note(found, 0, id == c.sourcePrefixId(), p, r, "<|source|>");
                    note(found, 1, id == c.cand1PrefixId(), p, r, "<|candidate1|>");
                    note(found, 2, id == c.cand2PrefixId(), p, r, "<|candidate2|>");
                }
                // The HF wrapper's assertion messages (spec §1.3).
                if (found[0] < 0) {
                    throw new IllegalArgumentException("<source> id not in input_ids (row " + r + ")");
                }
                if (found[1] < 0) {
                    throw new IllegalArgumentException("<candidate1> id not in input_ids (row " + r + ")");
                }
                if (found[2] < 0) {
                    throw new IllegalArgumentException("<candidate2> id not in input_ids (row " + r + ")");
                }
                src[r] = found[0];
                c1[r] = found[1];
                c2[r] = found[2];
            }
            return new Batch(
                    rows,
                    length,
                    ids,
                    mask,
                    padding,
                    kept.stream().mapToInt(Integer::intValue).toArray(),
                    src,
                    c1,
                    c2);
        }

        private static void note(int[] found, int slot, boolean match, int p, int r, String token) {
            if (!match) {
                return;
            }
            if (found[slot] >= 0) {
                // The reference stacks every match and then crashes or mis-aligns (spec §1.3 QUIRK); refuse clearly.
                throw new IllegalArgumentException("row " + r + " holds " + token + " more than once (positions "
                        + found[slot] + " and " + p + "); each row must hold each prefix token exactly once");
            }
            found[slot] = p;
        }

        /** Row indices into the flattened {@code [B·L, H]} states for one position per row. */
        long[] rowsOf(int[] positions) {
            long[] out = new long[positions.length];
            for (int r = 0; r < positions.length; r++) {
                out[r] = (long) r * length + positions[r];
            }
            return out;
        }
    }
}
