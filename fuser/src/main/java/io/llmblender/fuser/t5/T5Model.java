package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import io.llmblender.runtime.nn.Linear;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A T5 encoder-decoder (HF {@code T5ForConditionalGeneration}; Raffel et al., 2020) on DJL's PyTorch engine:
 * pre-norm residual blocks with RMS layer norms, gated-GELU (tanh) or ReLU feed-forward, relative position
 * buckets computed once per stack, a shared embedding for both stacks, and an untied or tied {@code lm_head}.
 *
 * <pre>{@code
 * try (T5Model t5 = T5Model.load(Path.of("config.json"), Path.of("model.safetensors"))) {
 *     long[][] out = t5.greedy(inputIds, attentionMask, 128);
 * }
 * }</pre>
 *
 * Weights live in one manager closed with the model; each call runs in its own scope. Thread-safe.
 */
public final class T5Model implements AutoCloseable {
    /** Hidden states and logits of a teacher-forced pass, copied out of native memory. */
    public record Output(float[] encoderHidden, float[] decoderHidden, float[] logits) {}

    private final T5Config config;
    private final NDManager weights;
    private final NDArray shared;
    private final Linear lmHead; // null when tied
    private final List<Block> encoder;
    private final NDArray encoderNorm;
    private final List<Block> decoder;
    private final NDArray decoderNorm;

    /** One block: self-attention, (decoder only) cross-attention, feed-forward, each with its pre-norm. */
    private record Block(
            T5Attention self,
            NDArray selfNorm,
            T5Attention cross,
            NDArray crossNorm,
            Linear wi0,
            Linear wi1,
            Linear wo,
            NDArray ffNorm) {}

    private T5Model(
            T5Config config,
            NDManager weights,
            NDArray shared,
            Linear lmHead,
            List<Block> encoder,
            NDArray encoderNorm,
            List<Block> decoder,
            NDArray decoderNorm) {
        this.config = config;
        this.weights = weights;
        this.shared = shared;
        this.lmHead = lmHead;
        this.encoder = encoder;
        this.encoderNorm = encoderNorm;
        this.decoder = decoder;
        this.decoderNorm = decoderNorm;
    }

    /** Loads the architecture from {@code configJson} and the weights (any format, shards included). */
    public static T5Model load(Path configJson, Path weightFile) {
        T5Config c = T5Config.from(JsonConfig.read(configJson));
        DjlRuntime.enterInference();
        NDManager weights = DjlRuntime.newManager();
        try (TensorSource source = TensorSource.open(weightFile)) {
            return build(
                    c,
                    weights,
                    new StateDict(source, weights, configJson.getFileName().toString()));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** A model of the given shapes with random weights (N(0, 0.02²)), for benchmarks without a download. */
    public static T5Model synthetic(T5Config c, long seed) {
        DjlRuntime.enterInference();
        NDManager weights = DjlRuntime.newManager();
        try {
            return build(c, weights, StateDict.synthetic(weights, seed));
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static T5Model build(T5Config c, NDManager weights, StateDict w) {
        // shared.weight serves both stacks; checkpoints may also store the two embed_tokens copies.
        w.ignore("encoder.embed_tokens.weight");
        w.ignore("decoder.embed_tokens.weight");
        NDArray shared = w.take("shared.weight", c.vocabSize(), c.dModel());
        if (c.tieWordEmbeddings()) {
            w.ignore("lm_head.weight"); // a tied checkpoint may still store the (identical) head
        }
        Linear lmHead =
                c.tieWordEmbeddings() ? null : new Linear(w.take("lm_head.weight", c.vocabSize(), c.dModel()), null);
        List<Block> enc = new ArrayList<>();
        for (int i = 0; i < c.numLayers(); i++) {
            enc.add(block(w, "encoder.block." + i + ".", c, i == 0, false));
        }
        NDArray encNorm = w.take("encoder.final_layer_norm.weight", c.dModel());
        List<Block> dec = new ArrayList<>();
        for (int i = 0; i < c.numDecoderLayers(); i++) {
            dec.add(block(w, "decoder.block." + i + ".", c, i == 0, true));
        }
        NDArray decNorm = w.take("decoder.final_layer_norm.weight", c.dModel());
        w.finish();
        return new T5Model(c, weights, shared, lmHead, enc, encNorm, dec, decNorm);
    }

    private static Block block(StateDict w, String p, T5Config c, boolean first, boolean decoder) {
        T5Attention self = attention(w, p + "layer.0.SelfAttention.", c, first, !decoder);
        NDArray selfNorm = w.take(p + "layer.0.layer_norm.weight", c.dModel());
        T5Attention cross = null;
        NDArray crossNorm = null;
        String ff = p + "layer.1.";
        if (decoder) {
            cross = attention(w, p + "layer.1.EncDecAttention.", c, false, true);
            crossNorm = w.take(p + "layer.1.layer_norm.weight", c.dModel());
            ff = p + "layer.2.";
        }
        Linear wi0;
        Linear wi1 = null;
        if (c.gatedGelu()) {
            wi0 = new Linear(w.take(ff + "DenseReluDense.wi_0.weight", c.dFf(), c.dModel()), null);
            wi1 = new Linear(w.take(ff + "DenseReluDense.wi_1.weight", c.dFf(), c.dModel()), null);
        } else {
            wi0 = new Linear(w.take(ff + "DenseReluDense.wi.weight", c.dFf(), c.dModel()), null);
        }
        Linear wo = new Linear(w.take(ff + "DenseReluDense.wo.weight", c.dModel(), c.dFf()), null);
        return new Block(self, selfNorm, cross, crossNorm, wi0, wi1, wo, w.take(ff + "layer_norm.weight", c.dModel()));
    }

    private static T5Attention attention(StateDict w, String p, T5Config c, boolean withBias, boolean bidirectional) {
        int inner = c.innerDim();
        return new T5Attention(
                new Linear(w.take(p + "q.weight", inner, c.dModel()), null),
                new Linear(w.take(p + "k.weight", inner, c.dModel()), null),
                new Linear(w.take(p + "v.weight", inner, c.dModel()), null),
                new Linear(w.take(p + "o.weight", c.dModel(), inner), null),
                withBias ? w.take(p + "relative_attention_bias.weight", c.numBuckets(), c.numHeads()) : null,
                c,
                bidirectional);
    }

    // ---- the stacks ----------------------------------------------------------------------------------------

    /** T5LayerNorm: RMS norm, {@code x · rsqrt(mean(x²) + ε) · w}, no mean subtraction, no bias. */
    private NDArray rmsNorm(NDArray x, NDArray weight) {
        NDArray variance = x.square().mean(new int[] {-1}, true);
        return x.div(variance.add(config.layerNormEpsilon()).sqrt()).mul(weight);
    }

    /** Gated GELU ({@code wo(gelu_new(wi_0 x) · wi_1 x)}, tanh GELU) or ReLU feed-forward. */
    private NDArray feedForward(Block b, NDArray x) {
        NDArray h = b.wi0().apply(x);
        if (b.wi1() != null) {
            // gelu_new(h) = 0.5·h·(1 + tanh(√(2/π)·(h + 0.044715·h³))), HF NewGELUActivation
            NDArray inner = h.add(h.pow(3).mul(0.044715f)).mul((float) Math.sqrt(2.0 / Math.PI));
            h = h.mul(0.5f).mul(inner.tanh().add(1f)).mul(b.wi1().apply(x));
        } else {
            h = h.maximum(0f);
        }
        return b.wo().apply(h);
    }

    /** Additive mask {@code (1 − m)·finfo(float32).min} for a 0/1 mask of any shape. */
    private static NDArray maskBias(NDArray mask) {
        return mask.toType(DataType.FLOAT32, false).neg().add(1f).mul(-Float.MAX_VALUE);
    }

    private NDArray embed(NDArray ids) {
        return Embedding.embedding(ids, shared, SparseFormat.DENSE).singletonOrThrow();
    }

    /** Encoder stack: {@code [B, L]} ids and 0/1 mask → {@code [B, L, d_model]}. Masks act on keys only. */
    private NDArray encode(NDManager m, NDArray ids, NDArray mask) {
        int l = (int) ids.getShape().get(1);
        NDArray bias = encoder.get(0)
                .self()
                .positionBias(m, 0, l, l)
                .add(maskBias(mask).expandDims(1).expandDims(1)); // [B, H, L, L], computed once, used by every block
        NDArray x = embed(ids);
        for (Block b : encoder) {
            NDArray n = rmsNorm(x, b.selfNorm());
            x = x.add(b.self().forward(n, b.self().keyValues(n), bias));
            x = x.add(feedForward(b, rmsNorm(x, b.ffNorm())));
        }
        return rmsNorm(x, encoderNorm);
    }

    /** Logits from the decoder's final states: untied {@code lm_head}, or {@code shared} after a d_model^-0.5 scale. */
    private NDArray logits(NDArray decoderOut) {
        if (lmHead != null) {
            return lmHead.apply(decoderOut);
        }
        return decoderOut.mul((float) Math.pow(config.dModel(), -0.5)).matMul(shared.transpose());
    }

    /**
     * Teacher-forced pass: encoder over {@code inputIds}, decoder over {@code decoderInputIds} with a causal
     * mask (and {@code decoderMask} if given, else none).
     */
    public Output forward(long[][] inputIds, long[][] attentionMask, long[][] decoderInputIds, long[][] decoderMask) {
        DjlRuntime.enterInference();
        try (NDManager m = weights.newSubManager()) {
            NDArray ids = m.create(inputIds);
            NDArray mask = m.create(attentionMask);
            NDArray enc = encode(m, ids, mask);
            NDArray dec = m.create(decoderInputIds);
            int t = decoderInputIds[0].length;
            // causal × decoder padding, on [B, 1, t, t]
            NDArray causal = causal(m, t);
            NDArray selfMask = causal.expandDims(0).expandDims(0);
            if (decoderMask != null) {
                selfMask = selfMask.mul(m.create(decoderMask)
                        .toType(DataType.FLOAT32, false)
                        .expandDims(1)
                        .expandDims(1));
            }
            NDArray selfBias = decoder.get(0).self().positionBias(m, 0, t, t).add(maskBias(selfMask));
            NDArray crossBias = maskBias(mask).expandDims(1).expandDims(1);
            NDArray x = embed(dec);
            for (Block b : decoder) {
                NDArray n = rmsNorm(x, b.selfNorm());
                x = x.add(b.self().forward(n, b.self().keyValues(n), selfBias));
                x = x.add(b.cross().forward(rmsNorm(x, b.crossNorm()), b.cross().keyValues(enc), crossBias));
                x = x.add(feedForward(b, rmsNorm(x, b.ffNorm())));
            }
            NDArray out = rmsNorm(x, decoderNorm);
            return new Output(
                    enc.toFloatArray(), out.toFloatArray(), logits(out).toFloatArray());
        }
    }

    /** Logits of each greedy step, {@code [batch][vocab]} per step, when asked for. */
    public record Generation(long[][] ids, List<float[][]> stepLogits) {}

    /**
     * Incremental decoding with a key/value cache: the encoder runs once, each {@link #step} runs the decoder over
     * one new token per row, reusing the keys and values of the earlier ones. Rows can be reordered between
     * steps (beam search). Owns a native scope; close it. Not thread-safe.
     */
    public final class Decoder implements AutoCloseable {
        private final NDManager scope;
        private NDArray crossBias; // [rows, 1, 1, L]
        private final List<T5Attention.KeyValues> cross = new ArrayList<>();
        private final T5Attention.KeyValues[] self = new T5Attention.KeyValues[decoder.size()];
        private int length; // tokens already in the cache

        /** Encodes {@code inputIds}; each row is repeated {@code copies} times (row b's copies are b·n … b·n+n−1). */
        private Decoder(long[][] inputIds, long[][] attentionMask, int copies) {
            DjlRuntime.enterInference();
            scope = weights.newSubManager();
            NDArray mask = scope.create(attentionMask);
            NDArray enc = encode(scope, scope.create(inputIds), mask);
            if (copies > 1) {
                NDArray rows =
                        scope.arange(0, inputIds.length, 1, DataType.INT64).repeat(copies);
                enc = enc.get(new ai.djl.ndarray.index.NDIndex("{}", rows));
                mask = mask.get(new ai.djl.ndarray.index.NDIndex("{}", rows));
            }
            crossBias = maskBias(mask).expandDims(1).expandDims(1);
            for (Block b : decoder) {
                cross.add(b.cross().keyValues(enc));
            }
        }

        /** Logits {@code [rows][vocab]} after feeding {@code tokens} (one per row) at the next position. */
        public float[][] step(long[] tokens) {
            float[] flat;
            try (NDManager s = scope.newSubManager()) {
                NDArray x = embed(s.create(tokens, new Shape(tokens.length, 1)));
                NDArray selfBias = decoder.get(0).self().positionBias(s, length, 1, length + 1);
                for (int i = 0; i < decoder.size(); i++) {
                    Block blk = decoder.get(i);
                    NDArray n = rmsNorm(x, blk.selfNorm());
                    T5Attention.KeyValues kv =
                            T5Attention.append(self[i], blk.self().keyValues(n));
                    kv.keys().attach(scope);
                    kv.values().attach(scope);
                    if (self[i] != null) {
                        self[i].keys().close();
                        self[i].values().close();
                    }
                    self[i] = kv;
                    x = x.add(blk.self().forward(n, kv, selfBias));
                    x = x.add(blk.cross().forward(rmsNorm(x, blk.crossNorm()), cross.get(i), crossBias));
                    x = x.add(feedForward(blk, rmsNorm(x, blk.ffNorm())));
                }
                flat = logits(rmsNorm(x, decoderNorm)).toFloatArray();
            }
            length++;
            int vocab = config.vocabSize();
            float[][] out = new float[tokens.length][];
            for (int r = 0; r < tokens.length; r++) {
                out[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
            }
            return out;
        }

        /** Row r of the cache becomes the old row {@code sources[r]} (beam search's reordering). */
        public void reorder(int[] sources) {
            NDArray index = scope.create(Arrays.stream(sources).asLongStream().toArray());
            for (int i = 0; i < self.length; i++) {
                if (self[i] != null) {
                    T5Attention.KeyValues old = self[i];
                    self[i] = new T5Attention.KeyValues(
                            old.keys().get(new ai.djl.ndarray.index.NDIndex("{}", index)),
                            old.values().get(new ai.djl.ndarray.index.NDIndex("{}", index)));
                    old.keys().close();
                    old.values().close();
                }
            }
            for (int i = 0; i < cross.size(); i++) {
                T5Attention.KeyValues old = cross.get(i);
                cross.set(
                        i,
                        new T5Attention.KeyValues(
                                old.keys().get(new ai.djl.ndarray.index.NDIndex("{}", index)),
                                old.values().get(new ai.djl.ndarray.index.NDIndex("{}", index))));
            }
            crossBias = crossBias.get(new ai.djl.ndarray.index.NDIndex("{}", index));
            index.close();
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /** A decoder over {@code inputIds} whose rows are each repeated {@code copies} times (beams). */
    public Decoder decoder(long[][] inputIds, long[][] attentionMask, int copies) {
        return new Decoder(inputIds, attentionMask, copies);
    }

    /**
     * Greedy decoding with Hugging Face semantics: start from {@code decoder_start_token_id}, append the argmax,
     * pad rows that already produced eos, stop when every row has or after {@code maxNewTokens}. With
     * {@code useCache} each step feeds only the new token ({@link Decoder}); without it every step recomputes
     * the whole prefix (for checking the cache).
     */
    public Generation greedy(long[][] inputIds, long[][] attentionMask, int maxNewTokens, boolean useCache) {
        return greedy(inputIds, attentionMask, maxNewTokens, useCache, (row, ids) -> {});
    }

    /** Told each row's ids so far after every greedy step (start token first). */
    @FunctionalInterface
    public interface StepListener {
        void step(int row, long[] idsSoFar);
    }

    /** Greedy decoding as above, telling {@code listener} every row's ids after each step, for streaming. */
    public Generation greedy(
            long[][] inputIds, long[][] attentionMask, int maxNewTokens, boolean useCache, StepListener listener) {
        int b = inputIds.length;
        List<long[]> rows = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            rows.add(new long[] {config.decoderStartTokenId()});
        }
        boolean[] done = new boolean[b];
        List<float[][]> stepLogits = new ArrayList<>();
        try (Decoder dec = useCache ? decoder(inputIds, attentionMask, 1) : null) {
            for (int step = 0; step < maxNewTokens; step++) {
                float[][] perRow = useCache
                        ? dec.step(rows.stream()
                                .mapToLong(row -> row[row.length - 1])
                                .toArray())
                        : lastLogits(inputIds, attentionMask, rows.toArray(new long[0][]));
                for (int r = 0; r < b; r++) {
                    int next = done[r] ? config.padTokenId() : argmax(perRow[r]);
                    long[] row = Arrays.copyOf(rows.get(r), rows.get(r).length + 1);
                    row[row.length - 1] = next;
                    rows.set(r, row);
                    if (!done[r]) {
                        listener.step(r, row.clone());
                    }
                    done[r] |= next == config.eosTokenId();
                }
                stepLogits.add(perRow);
                boolean allDone = true;
                for (boolean d : done) {
                    allDone &= d;
                }
                if (allDone) {
                    break;
                }
            }
        }
        return new Generation(rows.toArray(new long[0][]), stepLogits);
    }

    /** The last position's logits of a full teacher-forced pass over {@code decoderIds} (no cache). */
    private float[][] lastLogits(long[][] inputIds, long[][] attentionMask, long[][] decoderIds) {
        Output out = forward(inputIds, attentionMask, decoderIds, null);
        int vocab = config.vocabSize();
        int t = decoderIds[0].length;
        float[][] last = new float[decoderIds.length][];
        for (int r = 0; r < last.length; r++) {
            int at = (r * t + t - 1) * vocab;
            last[r] = Arrays.copyOfRange(out.logits(), at, at + vocab);
        }
        return last;
    }

    /** The {@code [t, t]} lower-triangular 0/1 mask: query i sees keys 0..i. */
    private static NDArray causal(NDManager m, int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            Arrays.fill(mask, i * t, i * t + i + 1, 1f);
        }
        return m.create(mask, new Shape(t, t));
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    public T5Config config() {
        return config;
    }

    /** Frees every weight. Idempotent. */
    @Override
    public void close() {
        weights.close();
    }
}
