package io.llmblender.runtime.kernel;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.llmblender.runtime.BlenderException;
import io.llmblender.runtime.DjlRuntime;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;

/**
 * A TorchScript module that Java wrote ({@link TorchScriptArchive}) and libtorch compiled, called by method
 * name through DJL's JNI. Its tensors (bf16 weights, say) live inside libtorch where DJL never sees them; only
 * the arrays passed to and returned from {@link #call} cross, so those must be of a dtype DJL can hold.
 *
 * <p>Two kinds of call, because two of DJL's entry points behave differently (ecosystem notes §3; checked on
 * DJL 0.36 / libtorch 2.7.1):
 * <ul>
 *   <li>{@link #call} runs a method that computes. It goes through DJL's {@code IValueUtils.forward(block,
 *       list, isTrain=true)}: the method runs under the calling thread's grad mode (off after
 *       {@link DjlRuntime#enterInference()}), so its result is an ordinary tensor. DJL's other path,
 *       {@code runMethod}, wraps the call in {@code c10::InferenceMode}, whose results are <em>inference
 *       tensors</em> that refuse in-place ops outside it ({@code addi}, {@code muli}: "Inplace update to
 *       inference tensor outside InferenceMode is not allowed"), and model code adds score terms in place.
 *       That path passes tensors only, so an {@code int} argument travels as an int64 scalar made once with
 *       {@link #constant(long)}.</li>
 *   <li>{@link #update} runs a method that changes the module's state (appends a weight, say) and returns an
 *       {@code int}. It uses {@code runMethod}; nothing it returns is a tensor.</li>
 * </ul>
 * A call's result belongs to the manager of its first argument, as for DJL's own operators, so a forward pass's
 * sub-manager frees it. The module, its constants and everything it holds are freed by {@link #close()}.
 *
 * <p>Thread-safe. Calls run concurrently (libtorch's graph executor guards its own compilation); an update or
 * {@code close()} waits for running calls and holds off new ones, so no call ever sees a half-appended list or a
 * freed module. A call after close throws {@link IllegalStateException}.
 */
public final class ScriptModule implements AutoCloseable {
    private static final String METHOD_MARKER = "module_method:"; // DJL's name for "call this method"

    private final String name;
    private final NDManager owner; // the module handle, its method markers and constants
    private final PtSymbolBlock block;
    private final Map<String, NDArray> markers; // per method, sorted: the named placeholder that selects it
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lock

    private ScriptModule(String name, NDManager owner, PtSymbolBlock block, Map<String, NDArray> markers) {
        this.name = name;
        this.owner = owner;
        this.block = block;
        this.markers = markers;
    }

    /**
     * Compiles and loads the archive on the CPU; the module owns its own native memory until {@link #close()}.
     *
     * @param archive the module's source and attributes
     * @return the loaded module; the caller closes it
     */
    public static ScriptModule load(TorchScriptArchive archive) {
        DjlRuntime.engine(); // JniUtils needs the native library loaded
        NDManager owner = DjlRuntime.newManager();
        try {
            PtSymbolBlock block =
                    JniUtils.loadModule((PtNDManager) owner, new ByteArrayInputStream(archive.toBytes()), true, false);
            Map<String, NDArray> markers = new TreeMap<>();
            for (String method : JniUtils.getMethodNames(block)) {
                NDArray marker = owner.create(0f);
                marker.setName(METHOD_MARKER + method);
                markers.put(method, marker);
            }
            return new ScriptModule(archive.className(), owner, block, Collections.unmodifiableMap(markers));
        } catch (EngineException | IOException e) {
            owner.close();
            throw new BlenderException(
                    "libtorch did not load the TorchScript module " + archive.className() + " that Java wrote: "
                            + e.getMessage() + "\nThis is a bug in its source or archive, not in your model.",
                    e);
        }
    }

    /**
     * The names of the module's methods, as libtorch compiled them.
     *
     * @return the method names, e.g. {@code forward}
     */
    public List<String> methods() {
        return List.copyOf(markers.keySet());
    }

    /**
     * Runs a method that returns a tensor. The arguments are tensors (an {@code int} argument is a
     * {@link #constant(long)}); the result belongs to {@code args[0]}'s manager.
     *
     * @param method the method's name
     * @param args the method's tensor arguments, at least one
     * @return the tensor the method returned, in {@code args[0]}'s manager
     */
    public NDArray call(String method, NDArray... args) {
        NDArray marker = marker(method);
        if (args.length == 0) {
            // DJL would give the result to the marker's manager, i.e. to this module, until close()
            throw new IllegalArgumentException(name + "." + method + " needs a tensor argument, whose manager owns "
                    + "the result; pass the forward pass's input first");
        }
        lock.readLock().lock();
        try {
            ensureOpen(method);
            List<NDArray> aliases = new ArrayList<>();
            try {
                NDList inputs = new NDList(args.length + 1);
                for (NDArray a : args) {
                    inputs.add(unnamed(a, aliases));
                }
                inputs.add(marker);
                return IValueUtils.forward(block, inputs, true).singletonOrThrow();
            } catch (EngineException e) {
                throw failure(method, args, e);
            } finally {
                aliases.forEach(NDArray::close);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Runs a method that changes the module's state and returns an {@code int}, alone: it waits for running
     * calls and holds off new ones. Tensor arguments it keeps must be copied by the method (a checkpoint's arrays
     * may be memory-mapped pages that go away with their file).
     *
     * @param method the method's name
     * @param args the method's tensor arguments
     * @return the {@code int} the method returned
     */
    public long update(String method, NDArray... args) {
        marker(method);
        lock.writeLock().lock();
        try {
            ensureOpen(method);
            IValue[] inputs = new IValue[args.length];
            try {
                for (int i = 0; i < args.length; i++) {
                    inputs[i] = IValue.from(pt(args[i]));
                }
                try (IValue result = IValueUtils.runMethod(block, method, inputs)) {
                    if (!result.isLong()) {
                        throw new IllegalStateException(
                                name + "." + method + " returned " + result.getType() + "; an update returns int");
                    }
                    return result.toLong();
                }
            } catch (EngineException e) {
                throw failure(method, args, e);
            } finally {
                for (IValue v : inputs) {
                    if (v != null) {
                        v.close();
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * An int64 scalar owned by the module, to pass as an {@code int} argument of {@link #call}.
     *
     * @param value the scalar's value
     * @return a scalar array the module closes when it closes
     */
    public NDArray constant(long value) {
        lock.writeLock().lock();
        try {
            ensureOpen("constant");
            return owner.create(value);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Frees the module and everything it holds; idempotent. Waits for running calls to finish. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                owner.close(); // closes the PtSymbolBlock (torch::jit::Module) and the markers and constants
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Arrays the module's own manager holds (markers, constants); for tests that check nothing leaks into it. */
    int ownedArrays() {
        lock.readLock().lock();
        try {
            return closed ? 0 : owner.getManagedArrays().size();
        } finally {
            lock.readLock().unlock();
        }
    }

    private NDArray marker(String method) {
        NDArray marker = markers.get(method);
        if (marker == null) {
            throw new IllegalArgumentException(
                    name + " has no method '" + method + "'; it has " + String.join(", ", markers.keySet()));
        }
        return marker;
    }

    private void ensureOpen(String method) {
        if (closed) {
            throw new IllegalStateException(name + "." + method + " was called after the module was closed; its "
                    + "native memory is freed. Close the model that owns it only after its last forward pass.");
        }
    }

    /**
     * DJL reads argument names as structure ({@code a.b} builds a dict, {@code x[]} a list), so a named array
     * (a checkpoint tensor keeps its key) is passed as an unnamed view, closed after the call.
     */
    private static NDArray unnamed(NDArray a, List<NDArray> aliases) {
        if (a.getName() == null) {
            return pt(a);
        }
        NDArray alias = a.reshape(a.getShape());
        aliases.add(alias);
        return alias;
    }

    private static PtNDArray pt(NDArray a) {
        if (a instanceof PtNDArray p) {
            return p;
        }
        throw new IllegalArgumentException("a TorchScript module takes PyTorch arrays, not "
                + a.getClass().getName() + "; create it with DjlRuntime.newManager()");
    }

    private BlenderException failure(String method, NDArray[] args, EngineException e) {
        String shapes = Arrays.stream(args)
                .map(a -> a.getDataType() + a.getShape().toString())
                .collect(Collectors.joining(", "));
        return new BlenderException(name + "." + method + "(" + shapes + ") failed in libtorch: " + e.getMessage(), e);
    }
}
