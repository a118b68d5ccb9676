package io.llmblender.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's weights being taken from a checkpoint, each by the module that owns it, so every key string
 * appears once, where the module reads it:
 *
 * <pre>{@code
 * StateDict weights = new StateDict(source, manager, "config.json");
 * Linear query = new Linear(weights.take(prefix + "query_proj.weight", hidden, hidden),
 *                           weights.take(prefix + "query_proj.bias", hidden));
 * ...
 * weights.finish();   // every missing, wrong-shape and unexpected tensor, in one CheckpointException
 * }</pre>
 *
 * A missing or wrong-shape tensor does not stop the taking: it is noted, a zero placeholder stands in, and
 * {@link #finish()} reports all problems together, so a user sees the whole mismatch at once.
 *
 * <p>Not thread-safe; one model is loaded on one thread.
 */
public final class StateDict {
    /** The dtypes a weight may have; each becomes float32 (see {@link #take}). */
    private static final Set<DType> WEIGHT_DTYPES = EnumSet.of(DType.F32, DType.F16, DType.BF16, DType.F64);

    private final TensorSource source;
    private final NDManager manager;
    private final String architecture;
    private final Map<String, Shape> taken = new LinkedHashMap<>();
    private final Set<String> ignored = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();
    private int wrongDtypes; // problems whose fix is a conversion, not another config

    /**
     * The weights of {@code source}, loaded into {@code manager} as the model's loader takes them by key and shape.
     *
     * @param source the checkpoint the weights are read from
     * @param manager owns every array loaded
     * @param architecture names what the expected shapes come from, in messages (e.g. {@code "config.json"})
     */
    public StateDict(TensorSource source, NDManager manager, String architecture) {
        this.source = source;
        this.manager = manager;
        this.architecture = architecture;
    }

    /**
     * Weights drawn from N(0, 0.02²) for every key taken, for benchmarks of full-size shapes without a
     * download. Seeds the engine's global generator with {@code seed}.
     *
     * @param manager owns the random arrays
     * @param seed the seed, so two runs draw the same weights
     * @return a state dict with no file behind it
     */
    public static StateDict synthetic(NDManager manager, long seed) {
        manager.getEngine().setRandomSeed((int) seed);
        return new StateDict(null, manager, "a synthetic model");
    }

    /**
     * Loads the weight {@code key}, which must have exactly {@code shape} and a floating-point dtype; it comes
     * back as float32. F16 and BF16 are widened exactly; F64 is rounded to nearest, as PyTorch's
     * {@code load_state_dict} does when it copies a double tensor into a float32 parameter. An integer, boolean
     * or 8-bit-float tensor is a problem for {@link #finish()} and is never read.
     *
     * @param key the tensor's key in the checkpoint
     * @param shape the shape the architecture expects
     * @return the weight as float32, in this state dict's manager (a placeholder when the tensor is wrong; see {@link
     *     #finish()})
     */
    public NDArray take(String key, long... shape) {
        Shape expected = new Shape(shape);
        taken.put(key, expected);
        if (source == null) {
            return manager.randomNormal(0f, 0.02f, expected, DataType.FLOAT32);
        }
        TensorInfo info = source.tensors().get(key);
        if (info == null) {
            problems.add("missing '" + key + "' " + expected);
        } else if (!info.shape().equals(expected)) {
            problems.add("wrong shape '" + key + "': " + info.shape() + " in the file, " + expected + " needed");
        } else if (!WEIGHT_DTYPES.contains(info.dtype())) {
            wrongDtypes++;
            problems.add("wrong dtype '" + key + "': " + info.dtype()
                    + " in the file, a floating-point dtype (F32, F16, BF16 or F64) needed; convert the checkpoint's"
                    + " weights to F32");
        } else {
            NDArray loaded = source.load(key, manager);
            if (loaded.getDataType() == DataType.FLOAT32) {
                return loaded;
            }
            try (loaded) {
                NDArray narrowed = loaded.toType(DataType.FLOAT32, false);
                narrowed.setName(key);
                return narrowed;
            }
        }
        return manager.zeros(expected);
    }

    /**
     * Declares a key that may be present and is not needed (e.g. a legacy buffer); it is never loaded.
     *
     * @param key the tensor's key in the checkpoint
     */
    public void ignore(String key) {
        ignored.add(key);
    }

    /**
     * Whether the checkpoint holds {@code key}; for optional tensors that change the architecture.
     *
     * @param key the tensor's key in the checkpoint
     * @return true if the checkpoint declares it
     */
    public boolean has(String key) {
        return source != null && source.tensors().containsKey(key);
    }

    /**
     * Ends the loading: throws one {@link CheckpointException} listing every missing, wrong-shape, wrong-dtype
     * and unexpected (present but never taken nor ignored) tensor, if there is any.
     */
    public void finish() {
        if (source == null) {
            return;
        }
        List<String> all = new ArrayList<>(problems);
        for (Map.Entry<String, TensorInfo> e : source.tensors().entrySet()) {
            if (!taken.containsKey(e.getKey()) && !ignored.contains(e.getKey())) {
                all.add("unexpected '" + e.getKey() + "' " + e.getValue().shape());
            }
        }
        if (!all.isEmpty()) {
            throw new CheckpointException(
                    source.file(),
                    null,
                    "does not fit the architecture of " + architecture
                            + " (" + all.size() + " problem" + (all.size() == 1 ? "" : "s")
                            + ")"
                            + (all.size() > wrongDtypes
                                    ? "; are the config and the weights from the same checkpoint?"
                                    : "")
                            + "\n  " + String.join("\n  ", all));
        }
    }
}
