package io.llmblender.fuser.t5;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * The decoder's key/value cache over one decode (HF {@code EncoderDecoderCache}): per decoder block, the
 * self-attention keys and values of every token fed so far, one row per beam, and the cross-attention keys and
 * values of the encoder output, one row per input, shared by that input's beams. Unlike HF, which repeats the
 * encoder output per beam and reorders it with the rest, reordering the beams here touches only the
 * self-attention part (the cross part is the same for every beam of an input), so a decode's memory stays flat
 * (issue 12).
 *
 * <p>The self-attention part is preallocated for the whole decode ({@code capacity} tokens, HF's {@code
 * StaticCache}): each step writes its token's keys and values into the next slot and attends over a view of the
 * slots filled so far. Growing it by concatenation instead allocates a new, longer array every step, so the
 * resident set climbs by the cache's per-token size each step (1.5 MiB at 3B shapes with 4 beams) plus the
 * allocator's holes between ever larger arrays. A decode that outruns its capacity doubles it (one copy).
 *
 * <p>Every cached array belongs to the decode's scope, every view to the step's, and an array replaced is
 * closed at once. Not thread-safe.
 */
final class EncoderDecoderCache {
    private final NDManager scope;
    private final int beams; // rows per input: input b's beams are rows b·beams … b·beams+beams−1
    private final NDArray[] keys; // [rows, H, capacity, d] per block, null before the first step
    private final NDArray[] values;
    private final List<T5Attention.KeyValues> cross; // [inputs, H, L, d] per block
    private final NDArray crossBias; // [inputs, 1, 1, L], the encoder mask
    private int capacity; // token slots per row in keys and values
    private int length; // tokens already in the self-attention cache

    /**
     * @param capacity tokens the decode will feed (its start token included); more are allowed, at one copy each
     *     time they outgrow it
     */
    EncoderDecoderCache(
            NDManager scope, int beams, int capacity, List<T5Attention.KeyValues> cross, NDArray crossBias) {
        if (capacity < 1) {
            throw new IllegalArgumentException(
                    "a decode feeds at least one token, so capacity " + capacity + " is too small");
        }
        this.scope = scope;
        this.beams = beams;
        this.capacity = capacity;
        this.keys = new NDArray[cross.size()];
        this.values = new NDArray[cross.size()];
        this.cross = List.copyOf(cross);
        this.crossBias = crossBias;
        // the encoder's scope closes once these exist; they live as long as the decode
        for (T5Attention.KeyValues kv : cross) {
            kv.keys().attach(scope);
            kv.values().attach(scope);
        }
        crossBias.attach(scope);
    }

    /**
     * Writes this step's keys and values ({@code [rows, H, 1, d]}) for {@code layer} into the next slot and
     * returns views of every slot filled so far, owned by the step (the manager of {@code now}).
     */
    T5Attention.KeyValues appendSelf(int layer, T5Attention.KeyValues now) {
        long fed = now.keys().getShape().get(2);
        if (length + fed > capacity) {
            grow((int) Math.max(2L * capacity, length + fed));
        }
        if (keys[layer] == null) {
            keys[layer] = slots(now.keys());
            values[layer] = slots(now.values());
        }
        NDIndex next = new NDIndex(":, :, {}:{}, :", length, length + fed);
        keys[layer].set(next, now.keys());
        values[layer].set(next, now.values());
        NDManager step = now.keys().getManager();
        NDIndex filled = new NDIndex(":, :, :{}, :", length + fed);
        NDArray k = keys[layer].get(filled);
        NDArray v = values[layer].get(filled);
        k.attach(step); // a view's result would otherwise join the cache's scope and pile up there
        v.attach(step);
        return new T5Attention.KeyValues(k, v);
    }

    /** Zeroed slots for the whole decode, shaped like one step's {@code [rows, H, 1, d]} but {@code capacity} long. */
    private NDArray slots(NDArray like) {
        Shape s = like.getShape();
        return scope.zeros(new Shape(s.get(0), s.get(1), capacity, s.get(3)), like.getDataType());
    }

    private void grow(int newCapacity) {
        capacity = newCapacity;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = regrown(keys[i]);
            values[i] = regrown(values[i]);
        }
    }

    private NDArray regrown(NDArray old) {
        if (old == null) {
            return null;
        }
        NDArray grown = slots(old);
        NDIndex filled = new NDIndex(":, :, :{}, :", length);
        try (old;
                NDArray kept = old.get(filled)) {
            grown.set(filled, kept);
        }
        return grown;
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
     * beam may only continue a beam of its own input, whose cross-attention part it shares. Only the filled
     * slots are copied, in place.
     */
    void reorder(int[] sources) {
        for (int r = 0; r < sources.length; r++) {
            if (sources[r] / beams != r / beams) {
                throw new IllegalArgumentException("row " + r + " would continue row " + sources[r]
                        + ", a beam of another input; beams share their input's encoder keys, so each must come"
                        + " from the rows " + (r / beams * beams) + " … " + (r / beams * beams + beams - 1));
            }
        }
        if (length == 0 || isIdentity(sources)) {
            return;
        }
        // One layer's rows are picked into a temporary at a time and freed before the next: held for all layers
        // at once, the temporaries (which grow with the decode) raised the process's high-water mark every step.
        try (NDManager reordering = scope.newSubManager()) {
            NDIndex rows = new NDIndex(
                    "{}",
                    reordering.create(Arrays.stream(sources).asLongStream().toArray()));
            NDIndex filled = new NDIndex(":, :, :{}, :", length);
            for (NDArray[] cached : List.of(keys, values)) {
                for (NDArray slots : cached) {
                    if (slots != null) {
                        try (NDArray used = slots.get(filled);
                                NDArray picked = used.get(rows)) {
                            slots.set(filled, picked);
                        }
                    }
                }
            }
        }
    }

    private static boolean isIdentity(int[] sources) {
        for (int r = 0; r < sources.length; r++) {
            if (sources[r] != r) {
                return false;
            }
        }
        return true;
    }
}
