package io.llmblender.ranker.deberta;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import io.llmblender.runtime.ConfigException;
import io.llmblender.runtime.JsonConfig;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.nn.Linear;
import java.util.Locale;

/**
 * DeBERTa's pooler (HF {@code ContextPooler}): the first token's hidden state, then a dense layer and the
 * activation {@code pooler_hidden_act}. Dropout is the identity at inference. Immutable after loading; thread-safe.
 */
final class ContextPooler {
    /** The activations transformers' {@code ACT2FN} names that a DeBERTa pooler config may ask for. */
    enum Act {
        GELU, // exact erf form, transformers' "gelu"
        TANH,
        RELU;

        static Act from(JsonConfig c) {
            String name = c.string("pooler_hidden_act").orElse("gelu").toLowerCase(Locale.ROOT);
            return switch (name) {
                case "gelu" -> GELU;
                case "tanh" -> TANH;
                case "relu" -> RELU;
                default ->
                    throw new ConfigException(
                            c.file(), "pooler_hidden_act", "is '" + name + "'; supported are gelu, tanh and relu");
            };
        }

        NDArray apply(NDArray x) {
            return switch (this) {
                case GELU -> Activation.gelu(x);
                case TANH -> x.tanh();
                case RELU -> Activation.relu(x);
            };
        }
    }

    private final Linear dense; // pooler.dense, H -> pooler_hidden_size
    private final Act act;

    private ContextPooler(Linear dense, Act act) {
        this.dense = dense;
        this.act = act;
    }

    static ContextPooler load(StateDict w, String prefix, int hidden, int poolerSize, Act act) {
        return new ContextPooler(
                new Linear(
                        w.take(prefix + "dense.weight", poolerSize, hidden), w.take(prefix + "dense.bias", poolerSize)),
                act);
    }

    /** {@code [B, L, H]} -> {@code [B, pooler_hidden_size]}. */
    NDArray forward(NDArray hidden) {
        NDArray first = hidden.get(new NDIndex(":, 0, :")); // the [CLS] token of every row
        return act.apply(dense.apply(first));
    }
}
