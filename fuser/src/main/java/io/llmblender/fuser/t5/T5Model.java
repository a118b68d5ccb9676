package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.kernel.Precision;
import io.llmblender.runtime.nn.Linear;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A T5 encoder-decoder (HF {@code T5ForConditionalGeneration}; Raffel et al., 2020) on DJL's PyTorch engine:
 * the shared embedding, the encoder and decoder {@link T5Stack}s, and the language-model head, untied or tied
 * to the embedding. Decoding is {@link GreedySearch}'s or {@link BeamSearch}'s, over a {@link Decoder}.
 *
 * <pre>{@code
 * try (T5Model t5 = T5Model.load(Path.of("config.json"), Path.of("model.safetensors"), Precision.AUTO)) {
 *     long[][] out = new GreedySearch(t5, 128, true).search(inputIds, attentionMask).ids();
 * }
 * }</pre>
 *
 * Weights live in one manager closed with the model; each call runs in its own scope, and a {@link Decoder}'s
 * memory stays flat over a whole decode (its cache is all it keeps between steps). The projections and the
 * attention products run on a {@link Kernel} of the precision chosen at load: {@code FP32} is the exact path the
 * parity fixtures check; {@code BF16} keeps every projection's weight in bf16 inside libtorch (the fp32 copies are
 * freed as it loads), while the embedding, the norms, the position biases and every array DJL sees stay fp32.
 * Thread-safe. A model file over 300 lines, as Hugging Face's {@code T5ForConditionalGeneration} is one class: the
 * loaders (checkpoint, synthetic, precision, device), the teacher-forced pass and the {@link Decoder} share one
 * lifetime of the weights; each layer's maths is in its own file beside this one.
 */
public final class T5Model implements AutoCloseable {
    /**
     * Hidden states and logits of a teacher-forced pass, copied out of native memory.
     *
     * @param encoderHidden the encoder's last hidden state, {@code [batch, length, d_model]} flattened
     * @param decoderHidden the decoder's last hidden state, {@code [batch, target, d_model]} flattened
     * @param logits the LM head's logits, {@code [batch, target, vocab]} flattened
     */
    public record Output(float[] encoderHidden, float[] decoderHidden, float[] logits) {}

    private final T5Config config;
    private final NDManager weights;
    private final Linear lmHead; // the shared embedding itself when tied
    private final T5Stack encoder;
    private final T5Stack decoder;
    private final Kernel kernel;

    private T5Model(
            T5Config config, NDManager weights, Linear lmHead, T5Stack encoder, T5Stack decoder, Kernel kernel) {
        this.config = config;
        this.kernel = kernel;
        this.weights = weights;
        this.lmHead = lmHead;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    /**
     * As {@link #load(Path, Path, Precision)} in the machine's best precision ({@code AUTO}).
     *
     * @param configJson the model's {@code config.json}
     * @param weightFile the weights
     * @return the loaded model; the caller closes it
     */
    public static T5Model load(Path configJson, Path weightFile) {
        return load(configJson, weightFile, Precision.AUTO);
    }

    /**
     * Loads the architecture from {@code configJson} and the weights (any format, shards included), with the
     * matmuls in {@code precision} as {@link io.llmblender.runtime.kernel.PrecisionPolicy} grants it here.
     *
     * @param configJson the model's {@code config.json}
     * @param weightFile the weights
     * @param precision {@code FP32} (exact), {@code BF16}, or {@code AUTO} (bf16 where the CPU has bf16 units)
     * @return the loaded model; the caller closes it
     */
    public static T5Model load(Path configJson, Path weightFile, Precision precision) {
        return load(configJson, weightFile, precision, ComputeDevice.CPU);
    }

    /**
     * As {@link #load(Path, Path, Precision)}, with the weights and every pass on {@code device}.
     *
     * @param configJson the model's {@code config.json}
     * @param weightFile the weights
     * @param precision {@code FP32} (exact), {@code BF16}, or {@code AUTO} (bf16 where the CPU has bf16 units)
     * @param device {@code CPU}, {@code GPU} (refused where the engine sees none) or {@code AUTO}
     * @return the loaded model; the caller closes it
     */
    public static T5Model load(Path configJson, Path weightFile, Precision precision, ComputeDevice device) {
        T5Config c = T5Config.from(JsonConfig.read(configJson));
        DjlRuntime.enterInference();
        Kernel kernel = Kernel.open(precision, device);
        NDManager weights = DjlRuntime.newManager(device);
        try (TensorSource source = TensorSource.open(weightFile)) {
            return build(
                    c,
                    weights,
                    new StateDict(source, weights, configJson.getFileName().toString()),
                    kernel);
        } catch (RuntimeException e) {
            weights.close();
            kernel.close();
            throw e;
        }
    }

    /**
     * As {@link #synthetic(T5Config, long, Precision)} in fp32.
     *
     * @param c the architecture
     * @param seed the weights' seed
     * @return a model with random weights; the caller closes it
     */
    public static T5Model synthetic(T5Config c, long seed) {
        return synthetic(c, seed, Precision.FP32);
    }

    /**
     * A model of the given shapes with random weights (N(0, 0.02²)), for benchmarks without a download.
     *
     * @param c the architecture
     * @param seed the weights' seed
     * @param precision the matmuls' precision, as in {@link #load(Path, Path, Precision)}
     * @return a model with random weights; the caller closes it
     */
    public static T5Model synthetic(T5Config c, long seed, Precision precision) {
        DjlRuntime.enterInference();
        Kernel kernel = Kernel.open(precision);
        NDManager weights = DjlRuntime.newManager();
        try {
            return build(c, weights, StateDict.synthetic(weights, seed), kernel);
        } catch (RuntimeException e) {
            weights.close();
            kernel.close();
            throw e;
        }
    }

    private static T5Model build(T5Config c, NDManager weights, StateDict dict, Kernel kernel) {
        T5Weights w = new T5Weights(dict, c, kernel);
        NDArray shared = w.take("shared.weight", c.vocabSize(), c.dModel());
        Linear lmHead;
        if (c.tieWordEmbeddings()) {
            dict.ignore("lm_head.weight"); // a tied checkpoint may still store the (identical) head
            // the embedding is [vocab, d_model], as a head's weight is stored; the lookup needs it in fp32, so a
            // kernel that converts (and frees) what it is given gets a copy
            lmHead = kernel.linear(kernel.precision() == Precision.FP32 ? shared : shared.duplicate(), null);
        } else {
            lmHead = w.linear("lm_head.weight", c.vocabSize(), c.dModel());
        }
        T5Stack encoder = T5Stack.load(w, "encoder.", shared, false);
        T5Stack decoder = T5Stack.load(w, "decoder.", shared, true);
        dict.finish();
        return new T5Model(c, weights, lmHead, encoder, decoder, kernel);
    }

    /** Logits from the decoder's final states: {@code lm_head}, after a d_model^-0.5 scale when it is tied. */
    private NDArray lmHead(NDArray decoderOut) {
        if (config.tieWordEmbeddings()) {
            // Mesh-TF's rescaling before the tied projection (HF T5ForConditionalGeneration)
            return lmHead.apply(decoderOut.mul((float) Math.pow(config.dModel(), -0.5)));
        }
        return lmHead.apply(decoderOut);
    }

    /**
     * Teacher-forced pass: encoder over {@code inputIds}, decoder over {@code decoderInputIds} with a causal
     * mask (and {@code decoderMask} if given, else none).
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @param decoderInputIds {@code [batch][target]} decoder token ids, start token first
     * @param decoderMask {@code [batch][target]} decoder padding mask, or null
     * @return the encoder and decoder hidden states and the logits, flattened
     */
    public Output forward(long[][] inputIds, long[][] attentionMask, long[][] decoderInputIds, long[][] decoderMask) {
        DjlRuntime.enterInference();
        try (NDManager m = weights.newSubManager()) {
            NDArray mask = m.create(attentionMask);
            // the encoder over the input
            NDArray enc = encoder.encode(m, m.create(inputIds), mask);
            // the decoder over the given decoder inputs, attending to the encoder output
            NDArray dec = decoder.decode(
                    m, m.create(decoderInputIds), decoderMask == null ? null : m.create(decoderMask), enc, mask);
            // the head, and everything copied out of native memory
            return new Output(
                    enc.toFloatArray(), dec.toFloatArray(), lmHead(dec).toFloatArray());
        }
    }

    /**
     * Incremental decoding with a key/value cache: the encoder runs once, each {@link #step} runs the decoder over
     * one new token per row, reusing the keys and values of the earlier ones. Rows can be reordered between
     * steps (beam search). Owns a native scope; close it. Not thread-safe.
     */
    public final class Decoder implements AutoCloseable {
        private final NDManager scope;
        private final EncoderDecoderCache cache;

        /**
         * Encodes {@code inputIds}; each input gets {@code beams} rows (input b's are b·beams … b·beams+beams−1),
         * and the cache room for {@code capacity} tokens.
         */
        private Decoder(long[][] inputIds, long[][] attentionMask, int beams, int capacity) {
            DjlRuntime.enterInference();
            NDManager opened = weights.newSubManager();
            // the encoder runs once per input, in a scope of its own: the cache keeps what the steps need of it
            try (NDManager encoding = opened.newSubManager()) {
                NDArray mask = encoding.create(attentionMask);
                NDArray enc = encoder.encode(encoding, encoding.create(inputIds), mask);
                cache = decoder.cache(opened, beams, capacity, enc, mask);
            } catch (RuntimeException | Error e) {
                opened.close(); // a decoder that fails to start leaves nothing behind
                throw e;
            }
            scope = opened;
        }

        /**
         * Logits {@code [rows][vocab]} after feeding {@code tokens} (one per row) at the next position.
         *
         * @param tokens one token per row
         * @return the next-token logits of every row
         */
        public float[][] step(long[] tokens) {
            float[] flat;
            try (NDManager s = scope.newSubManager()) {
                flat = lmHead(decoder.step(s, tokens, cache)).toFloatArray();
            }
            int vocab = config.vocabSize();
            float[][] out = new float[tokens.length][];
            for (int r = 0; r < tokens.length; r++) {
                out[r] = Arrays.copyOfRange(flat, r * vocab, (r + 1) * vocab);
            }
            return out;
        }

        /**
         * Row r of the cache becomes the old row {@code sources[r]} (beam search's reordering), which must be a
         * row of the same input.
         *
         * @param sources for each row, the old row it takes over
         */
        public void reorder(int[] sources) {
            cache.reorder(sources);
        }

        @Override
        public void close() {
            scope.close();
        }
    }

    /**
     * A decoder over {@code inputIds} with {@code beams} rows per input: {@link Decoder#step} takes one token per
     * row, input b's rows being b·beams … b·beams+beams−1. Its self-attention cache is preallocated for a decode
     * that feeds {@code maxTokens} tokens per row (the start token included), so its memory stays flat throughout.
     *
     * @param inputIds {@code [batch][length]} encoder token ids
     * @param attentionMask {@code [batch][length]}, 1 for tokens and 0 for padding
     * @param beams rows per input
     * @param maxTokens tokens the decode will feed per row, at least 1; a longer decode still works, at one copy
     *     of the cache each time it doubles
     * @return an open decoder; the caller closes it
     * @throws IllegalArgumentException if {@code beams} or {@code maxTokens} is below 1
     */
    public Decoder decoder(long[][] inputIds, long[][] attentionMask, int beams, int maxTokens) {
        if (beams < 1) {
            throw new IllegalArgumentException("beams is " + beams + "; a decoder needs at least one row per input");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens is " + maxTokens + "; a decode feeds at least one token");
        }
        return new Decoder(inputIds, attentionMask, beams, maxTokens);
    }

    /**
     * How many native arrays the model holds, open decoders' caches included; tests check it stays flat.
     *
     * @return the number of live arrays
     */
    public int managedArrays() {
        return weights.getManagedArrays().size();
    }

    /**
     * The architecture this model was built for.
     *
     * @return the configuration
     */
    public T5Config config() {
        return config;
    }

    /**
     * The precision the matmuls run in.
     *
     * @return {@code FP32} or {@code BF16}, never {@code AUTO}
     */
    public Precision precision() {
        return kernel.precision();
    }

    /** Frees every weight, the kernel's included. Idempotent. */
    @Override
    public void close() {
        weights.close();
        kernel.close();
    }
}
