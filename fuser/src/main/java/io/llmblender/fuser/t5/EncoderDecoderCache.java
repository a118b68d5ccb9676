package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder's key/value cache over one decode (HF {@code EncoderDecoderCache}): per decoder block, the
 * self-attention keys and values of every token fed so far, one row per beam, and the cross-attention keys and
 * values of the encoder output, one row per input, shared by that input's beams. Unlike HF, which repeats the
 * encoder output per beam and reorders it with the rest, reordering the beams here touches only the
 * self-attention part (the cross part is the same for every beam of an input), so a decode's memory stays flat
 * (issue 12). Every cached array belongs to the decode's scope, and an array replaced is closed at once. Not
 * thread-safe.
 */
final class EncoderDecoderCache {
    private final NDManager scope;
    private final int beams; // rows per input: input b's beams are rows b·beams … b·beams+beams−1
    private final T5Attention.KeyValues[] self; // [rows, H, length, d] per block, null before the first step
    private final List<T5Attention.KeyValues> cross; // [inputs, H, L, d] per block
    private final NDArray crossBias; // [inputs, 1, 1, L], the encoder mask
    private int length; // tokens already in the self-attention cache

    EncoderDecoderCache(NDManager scope, int beams, List<T5Attention.KeyValues> cross, NDArray crossBias) {
        this.scope = scope;
        this.beams = beams;
        this.self = new T5Attention.KeyValues[cross.size()];
        this.cross = List.copyOf(cross);
        this.crossBias = crossBias;
        // the encoder's scope closes once these exist; they live as long as the decode
        for (T5Attention.KeyValues kv : cross) {
            kv.keys().attach(scope);
            kv.values().attach(scope);
        }
        crossBias.attach(scope);
    }

    /** Appends this step's keys and values for {@code layer} and returns all of them; the old arrays are freed. */
    T5Attention.KeyValues appendSelf(int layer, T5Attention.KeyValues now) {
        T5Attention.KeyValues kv = T5Attention.append(self[layer], now);
        kv.keys().attach(scope); // the first step's arrays were made in the step's scope
        kv.values().attach(scope);
        close(self[layer]);
        self[layer] = kv;
        return kv;
    }

    T5Attention.KeyValues cross(int layer) {
        return cross.get(layer);
    }

    NDArray crossBias() {
        return crossBias;
    }

    /** How many tokens the self-attention cache holds; the next token's position. */
    int length() {
        return length;
    }

    /** Marks the end of a step: every block has appended its token. */
    void advance() {
        length++;
    }

    /**
     * Row r of the self-attention cache becomes the old row {@code sources[r]} (HF {@code reorder_cache}); a
     * beam may only continue a beam of its own input, whose cross-attention part it shares.
     */
    void reorder(int[] sources) {
        for (int r = 0; r < sources.length; r++) {
            if (sources[r] / beams != r / beams) {
                throw new IllegalArgumentException("row " + r + " would continue row " + sources[r]
                        + ", a beam of another input; beams share their input's encoder keys, so each must come"
                        + " from the rows " + (r / beams * beams) + " … " + (r / beams * beams + beams - 1));
            }
        }
        try (NDManager indexing = scope.newSubManager()) {
            NDIndex rows = new NDIndex(
                    "{}", indexing.create(Arrays.stream(sources).asLongStream().toArray()));
            for (int i = 0; i < self.length; i++) {
                T5Attention.KeyValues old = self[i];
                if (old != null) {
                    self[i] = new T5Attention.KeyValues(
                            old.keys().get(rows), old.values().get(rows));
                    self[i].keys().attach(scope);
                    self[i].values().attach(scope);
                    close(old);
                }
            }
        }
    }

    private static void close(T5Attention.KeyValues kv) {
        if (kv != null) {
            kv.keys().close();
            kv.values().close();
        }
    }
}
