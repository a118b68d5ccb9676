package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder's key/value cache over one decode (HF {@code EncoderDecoderCache}): per decoder block, the
 * self-attention keys and values of every token fed so far, and the cross-attention keys and values of the
 * encoder output with the encoder mask as a bias. Every cached array belongs to the decode's scope. Not
 * thread-safe.
 */
final class EncoderDecoderCache {
    private final NDManager scope;
    private final T5Attention.KeyValues[] self; // [rows, H, length, d] per block, null before the first step
    private final List<T5Attention.KeyValues> cross; // [rows, H, L, d] per block
    private NDArray crossBias; // [rows, 1, 1, L]
    private int length; // tokens already in the self-attention cache

    EncoderDecoderCache(NDManager scope, List<T5Attention.KeyValues> cross, NDArray crossBias) {
        this.scope = scope;
        this.self = new T5Attention.KeyValues[cross.size()];
        this.cross = new ArrayList<>(cross);
        this.crossBias = crossBias;
    }

    /** Appends this step's keys and values for {@code layer} and returns all of them; the old arrays are freed. */
    T5Attention.KeyValues appendSelf(int layer, T5Attention.KeyValues now) {
        T5Attention.KeyValues kv = T5Attention.append(self[layer], now);
        kv.keys().attach(scope);
        kv.values().attach(scope);
        if (self[layer] != null) {
            self[layer].keys().close();
            self[layer].values().close();
        }
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

    /** Row r becomes the old row {@code sources[r]} (HF {@code reorder_cache}). */
    void reorder(int[] sources) {
        NDArray index = scope.create(Arrays.stream(sources).asLongStream().toArray());
        for (int i = 0; i < self.length; i++) {
            if (self[i] != null) {
                T5Attention.KeyValues old = self[i];
                self[i] = new T5Attention.KeyValues(
                        old.keys().get(new NDIndex("{}", index)), old.values().get(new NDIndex("{}", index)));
                old.keys().close();
                old.values().close();
            }
        }
        for (int i = 0; i < cross.size(); i++) {
            T5Attention.KeyValues old = cross.get(i);
            cross.set(
                    i,
                    new T5Attention.KeyValues(
                            old.keys().get(new NDIndex("{}", index)),
                            old.values().get(new NDIndex("{}", index))));
        }
        crossBias = crossBias.get(new NDIndex("{}", index));
        index.close();
    }
}
