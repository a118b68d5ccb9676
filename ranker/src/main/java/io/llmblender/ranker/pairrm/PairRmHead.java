package io.llmblender.ranker.pairrm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.llmblender.runtime.checkpoint.StateDict;
import io.llmblender.runtime.nn.Linear;

/**
 * PairRM's scoring head (spec §1.1, llm-blender's {@code head_layer}): Dropout → Linear(2H→H) → tanh →
 * Dropout → Linear(H→n_tasks), applied to {@code [source vector, candidate vector]}. Dropout is the identity at
 * inference. Immutable after loading; thread-safe.
 */
final class PairRmHead {
    private final Linear dense; // head_layer.1
    private final Linear out; // head_layer.4

    private PairRmHead(Linear dense, Linear out) {
        this.dense = dense;
        this.out = out;
    }

    static PairRmHead load(StateDict w, int hidden, int nTasks) {
        return new PairRmHead(
                new Linear(w.take("head_layer.1.weight", hidden, 2L * hidden), w.take("head_layer.1.bias", hidden)),
                new Linear(w.take("head_layer.4.weight", nTasks, hidden), w.take("head_layer.4.bias", nTasks)));
    }

    /** {@code g(source, candidate)}: {@code [B, H]} and {@code [B, H]} -> {@code [B, n_tasks]}. */
    NDArray score(NDArray source, NDArray candidate) {
        // Concatenation order is source first, candidate second (spec §1.3 step 5).
        return out.apply(
                dense.apply(NDArrays.concat(new NDList(source, candidate), -1)).tanh());
    }
}
