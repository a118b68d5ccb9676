package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.DjlRuntime;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.PassGate;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.checkpoint.TensorSource;
import io.llmblender.runtime.kernel.Kernel;
import io.llmblender.runtime.kernel.Precision;
import io.llmblender.runtime.nn.Linear;
import java.nio.file.Path;

/**
 * A DeBERTa-v2/v3 sequence classifier (HF {@code DebertaV2ForSequenceClassification}): the encoder, the
 * {@link ContextPooler} on the first token, and a linear classifier to {@code num_labels} logits. Reward models such
 * as OpenAssistant/reward-model-deberta-v3-large-v2 are this with one label (spec §5).
 *
 * <pre>{@code
 * try (DebertaV2ForSequenceClassification m = DebertaV2ForSequenceClassification.load(config, weights, 1, Precision.FP32, ComputeDevice.CPU)) {
 *     float[] logits = m.logits(ids, mask);        // [rows · num_labels]
 * }
 * }</pre>
 *
 * <p>Each pass runs in its own native scope; weights live until {@link #close()}, which waits for passes in flight.
 * Thread-safe.
 */
public final class DebertaV2ForSequenceClassification implements AutoCloseable {
    private static final String ENCODER_PREFIX = "deberta.";

    private final NDManager weights;
    private final DebertaV2Encoder encoder;
    private final ContextPooler pooler;
    private final Linear classifier;
    private final int numLabels;
    private final Kernel kernel;
    private final PassGate gate;

    private DebertaV2ForSequenceClassification(
            NDManager weights,
            DebertaV2Encoder encoder,
            ContextPooler pooler,
            Linear classifier,
            int numLabels,
            Kernel kernel,
            PassGate gate) {
        this.weights = weights;
        this.encoder = encoder;
        this.pooler = pooler;
        this.classifier = classifier;
        this.numLabels = numLabels;
        this.kernel = kernel;
        this.gate = gate;
    }

    /**
     * Loads {@code config.json} and the weights (safetensors, a sharded index or {@code pytorch_model.bin}) of a
     * model folder; checkpoint keys are transformers' ({@code deberta.…}, {@code pooler.dense.…},
     * {@code classifier.…}).
     *
     * @param configJson the model's {@code config.json}
     * @param weightFile the weights
     * @param concurrentPasses forward passes that may run at once, at least 1
     * @param precision the matmuls' number format ({@code AUTO} resolves on this machine)
     * @param device where the weights and passes live
     * @return the loaded model; the caller closes it
     */
    public static DebertaV2ForSequenceClassification load(
            Path configJson, Path weightFile, int concurrentPasses, Precision precision, ComputeDevice device) {
        JsonConfig json = JsonConfig.read(configJson);
        DebertaV2Config c = DebertaV2Config.from(json);
        int poolerSize = json.intValue("pooler_hidden_size", c.hiddenSize());
        // transformers' num_labels is the size of id2label when only that is saved; 2 is its default
        int labels = json.has("num_labels")
                ? json.positiveInt("num_labels")
                : json.entries("id2label") > 0 ? json.entries("id2label") : 2;
        ContextPooler.Act act = ContextPooler.Act.from(json);
        DjlRuntime.enterInference();
        Kernel kernel = Kernel.open(precision, device); // bf16 with a GPU is refused, as for PairRM
        NDManager weights = DjlRuntime.newManager(device);
        try (TensorSource source = TensorSource.open(weightFile)) {
            StateDict w =
                    new StateDict(source, weights, configJson.getFileName().toString());
            DebertaV2Encoder encoder = DebertaV2Encoder.load(w, ENCODER_PREFIX, c, kernel);
            ContextPooler pooler = ContextPooler.load(w, "pooler.", c.hiddenSize(), poolerSize, act);
            Linear classifier =
                    new Linear(w.take("classifier.weight", labels, poolerSize), w.take("classifier.bias", labels));
            w.finish();
            return new DebertaV2ForSequenceClassification(
                    weights,
                    encoder,
                    pooler,
                    classifier,
                    labels,
                    kernel,
                    new PassGate("DeBERTa classifier (" + weightFile + ")", concurrentPasses));
        } catch (RuntimeException e) {
            weights.close();
            kernel.close();
            throw e;
        }
    }

    /**
     * The classifier's logits of right-padded rows.
     *
     * @param ids {@code [rows][length]} token ids, each row starting with {@code [CLS]}
     * @param mask {@code [rows][length]}, 1 for tokens and 0 for padding
     * @return {@code rows · num_labels} logits, row after row
     */
    public float[] logits(long[][] ids, long[][] mask) {
        return gate.pass(() -> run(ids, mask));
    }

    private float[] run(long[][] ids, long[][] mask) {
        int b = ids.length;
        int l = ids[0].length;
        long[] flatIds = new long[b * l];
        long[] flatMask = new long[b * l];
        boolean padding = false;
        for (int r = 0; r < b; r++) {
            System.arraycopy(ids[r], 0, flatIds, r * l, l);
            System.arraycopy(mask[r], 0, flatMask, r * l, l);
            for (long m : mask[r]) {
                padding |= m == 0;
            }
        }
        DjlRuntime.enterInference();
        try (NDManager pass = weights.newSubManager()) {
            NDArray x = pass.create(flatIds, new Shape(b, l));
            NDArray m = pass.create(flatMask, new Shape(b, l));
            NDArray hidden = encoder.forward(pass, x, AttentionMask.of(m, padding)); //   [B, L, H]
            NDArray pooled = pooler.forward(hidden); //                                   [B, P]
            return classifier.apply(pooled).toFloatArray(); //                              [B, num_labels]
        } catch (ai.djl.engine.EngineException e) {
            throw new BlenderException("DeBERTa forward pass failed in the PyTorch engine: " + e.getMessage(), e);
        }
    }

    /**
     * The classifier's output width ({@code num_labels}, 1 for a reward model).
     *
     * @return the number of labels
     */
    public int numLabels() {
        return numLabels;
    }

    /**
     * The encoder's architecture.
     *
     * @return the configuration
     */
    public DebertaV2Config config() {
        return encoder.config();
    }

    /** Frees every weight after the passes in flight. Idempotent. */
    @Override
    public void close() {
        gate.close(() -> {
            weights.close();
            kernel.close();
        });
    }
}
