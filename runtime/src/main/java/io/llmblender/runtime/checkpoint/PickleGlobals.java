package io.llmblender.runtime.checkpoint;

import static io.llmblender.runtime.checkpoint.PickleValues.describe;

import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageType;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.TensorRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The only globals {@link RestrictedUnpickler} lets a pickle name, and what REDUCE on them builds instead of
 * calling them: {@code collections.OrderedDict()} becomes an empty {@link LinkedHashMap},
 * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, ...)} a {@link TensorRef}, and a
 * {@code torch.*Storage} type a {@link StorageType}. Any other global is refused when it is named.
 *
 * <p>Not thread-safe; one instance serves one pickle.
 */
final class PickleGlobals {
    /** The allowed callables, which are never called; REDUCE on them builds the Java value instead. */
    private enum Callable {
        ORDERED_DICT,
        REBUILD_TENSOR_V2
    }

    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));

    private final PickleErrors errors;
    private final PickleContainers containers;

    PickleGlobals(PickleErrors errors, PickleContainers containers) {
        this.errors = errors;
        this.containers = containers;
    }

    /** GLOBAL and STACK_GLOBAL: the allowed value {@code module.name} stands for, or a refusal. */
    Object global(int at, String module, String name) {
        String qualified = module + "." + name;
        if (qualified.equals("collections.OrderedDict")) {
            return Callable.ORDERED_DICT;
        }
        if (qualified.equals("torch._utils._rebuild_tensor_v2")) {
            return Callable.REBUILD_TENSOR_V2;
        }
        if (module.equals("torch") && STORAGES.containsKey(name)) {
            return new StorageType(name, STORAGES.get(name));
        }
        throw errors.refused(
                at,
                "the global '" + qualified + "', which a state dict never needs; only"
                        + " collections.OrderedDict, torch._utils._rebuild_tensor_v2 and the torch.*Storage types are"
                        + " allowed. The file may be malicious; if you trust it, re-save it as safetensors");
    }

    /** REDUCE: the Java value a call of an allowed callable describes; nothing is called. */
    Object reduce(int at, Object callable, Object args) {
        if (!(args instanceof Tuple t)) {
            throw errors.malformed(at, "calls with arguments that are not a tuple: " + describe(args));
        }
        if (callable == Callable.ORDERED_DICT) {
            if (t.size() != 0) {
                throw errors.malformed(
                        at, "builds an OrderedDict from arguments " + describe(args) + "; expected none");
            }
            return containers.container(new LinkedHashMap<>());
        }
        if (callable == Callable.REBUILD_TENSOR_V2) {
            if (t.size() < 6
                    || !(t.get(0) instanceof StorageRef storage)
                    || !(t.get(1) instanceof Long offset)
                    || !(t.get(2) instanceof Tuple size)
                    || !(t.get(3) instanceof Tuple stride)
                    || size.size() != stride.size()) {
                throw errors.malformed(at, "calls _rebuild_tensor_v2 with unexpected arguments " + describe(args));
            }
            return new TensorRef(storage, offset, longs(at, size), longs(at, stride));
        }
        throw errors.refused(
                at, "a call of " + describe(callable) + "; only OrderedDict and _rebuild_tensor_v2 may be called");
    }

    private long[] longs(int at, Tuple t) {
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0) {
                throw errors.malformed(
                        at, "has a tensor size or stride that is not a non-negative integer: " + describe(t));
            }
            out[i] = v;
        }
        return out;
    }
}
