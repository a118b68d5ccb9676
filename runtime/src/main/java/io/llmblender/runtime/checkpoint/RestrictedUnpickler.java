package io.llmblender.runtime.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A pickle reader that can read what {@code torch.save(state_dict)} writes and nothing more dangerous.
 *
 * <p>Python's unpickler imports and calls whatever a file names, which makes a {@code pytorch_model.bin} from
 * an untrusted source arbitrary code. This one is a small stack machine over plain Java data: it knows exactly
 * the globals a state dict needs ({@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2} and
 * the {@code torch.*Storage} types) and refuses any other global <em>when it is named</em>, before anything
 * could use it. Even the allowed ones are never run: a REDUCE on them builds a Java value ({@link LinkedHashMap},
 * {@link TensorRef}). Opcodes that instantiate classes (INST, OBJ, NEWOBJ) are refused too.
 *
 * <p>It is bounded in time, depth and memory, because a hostile pickle can be small and still ask for a lot:
 * <ul>
 *   <li>Dict keys must be strings or numbers. A state dict needs no other, and a key built of tuples that share
 *       their items (a few hundred bytes: each level's two items are the same memo entry) hashes in time
 *       exponential in its depth.
 *   <li>Containers nest at most {@link #MAX_DEPTH} deep, and a container cannot change once it is inside
 *       another (pickle builds bottom-up, so a state dict never needs to; it also rules out cycles), so the
 *       depth recorded for each container is exact, and nothing recursive can overflow the stack.
 *   <li>Messages render values through {@link #describe}, which stops after a fixed number of characters:
 *       printing a shared structure in full takes exponential time too.
 *   <li>The stack holds at most {@link #MAX_STACK} entries; everything else grows by a bounded amount per opcode,
 *       so the heap used is proportional to the pickle's size, which its reader bounds.
 * </ul>
 *
 * <p>About 550 lines, past the house's 500: one stack machine, whose opcodes, bounds and value rendering share
 * its private sentinels and read best in one place.
 *
 * <p>Not thread-safe; one instance reads one pickle.
 */
public final class RestrictedUnpickler {
    /** A Python tuple; kept distinct from lists because persistent ids and call arguments are tuples. */
    public record Tuple(List<Object> items) {
        /**
         * Copies the items, standing a private marker in for Python's None (which {@link List#copyOf} refuses).
         *
         * @param items the tuple's items in order; null stands for None
         */
        public Tuple {
            items = List.copyOf(items.stream().map(o -> o == null ? NONE : o).toList());
        }

        Object get(int i) {
            Object o = items.get(i);
            return o == NONE ? null : o;
        }

        int size() {
            return items.size();
        }

        /** Bounded, unlike the record's default: a pickled tuple may share its items exponentially often. */
        @Override
        public String toString() {
            return describe(this);
        }
    }

    /** A {@code torch.*Storage} type named by a persistent id. */
    public record StorageType(String name, DType dtype) {}

    /** A storage: the zip entry {@code data/<key>} holding {@code elements} values of {@code dtype}. */
    public record StorageRef(DType dtype, String key, long elements) {}

    /** What {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)} describes: a strided view of a storage. */
    public record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** The allowed callables, which are never called; REDUCE on them builds the Java value instead. */
    private enum Callable {
        ORDERED_DICT,
        REBUILD_TENSOR_V2
    }

    private static final Object MARK = new Object();
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };
    private static final Map<String, DType> STORAGES = Map.ofEntries(
            Map.entry("FloatStorage", DType.F32), Map.entry("HalfStorage", DType.F16),
            Map.entry("BFloat16Storage", DType.BF16), Map.entry("DoubleStorage", DType.F64),
            Map.entry("LongStorage", DType.I64), Map.entry("IntStorage", DType.I32),
            Map.entry("ShortStorage", DType.I16), Map.entry("CharStorage", DType.I8),
            Map.entry("ByteStorage", DType.U8), Map.entry("BoolStorage", DType.BOOL));
    private static final int MAX_STACK = 1 << 20;
    /** Far above what a state dict nests (OrderedDict, _rebuild_tensor_v2's arguments, a size tuple: 3). */
    static final int MAX_DEPTH = 100;
    /** How much of a value a message shows. */
    private static final int DESCRIBE_CHARS = 160;

    private final Path file;
    private final ByteBuffer in;
    private final Function<Tuple, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Every tuple, list and dict built, by identity, with its nesting depth (1: it holds no container). */
    private final Map<Object, Integer> depths = new IdentityHashMap<>();
    /** The containers already held by another container; they may not change any more. */
    private final Set<Object> held = Collections.newSetFromMap(new IdentityHashMap<>());

    private RestrictedUnpickler(Path file, byte[] pickle, Function<Tuple, Object> persistentLoad) {
        this.file = file;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.persistentLoad = persistentLoad;
    }

    /**
     * Reads one pickle. {@code persistentLoad} resolves BINPERSID ids (torch's {@code ('storage', type, key,
     * location, numel)} tuples). Strings come back as {@link String}, integers as {@link Long} (or
     * {@link BigInteger}), dicts as {@link LinkedHashMap}, lists as {@link ArrayList}, tuples as {@link Tuple},
     * None as {@code null}.
     *
     * @param file named in error messages only
     * @param pickle the pickle's bytes, e.g. a checkpoint's {@code data.pkl}
     * @param persistentLoad resolves each persistent id to the object it stands for (a tensor's storage)
     * @return the unpickled object graph
     * @throws CheckpointException for a refused global or opcode, or a malformed pickle
     */
    public static Object load(Path file, byte[] pickle, Function<Tuple, Object> persistentLoad) {
        return new RestrictedUnpickler(file, pickle, persistentLoad).run();
    }

    private Object run() {
        try {
            while (true) {
                int at = in.position();
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int protocol = in.get() & 0xFF;
                        if (protocol > 5) {
                            throw malformed(at, "uses pickle protocol " + protocol + "; at most 5 is understood");
                        }
                    }
                    case 0x95 -> in.getLong(); // FRAME: a length hint only
                    case '.' -> { // STOP
                        Object result = pop(at);
                        return result == NONE ? null : result;
                    }
                    case '(' -> push(MARK);
                    case '0' -> pop(at); // POP
                    case '1' -> popMark(at); // POP_MARK
                    case '2' -> push(peek(at)); // DUP
                    case 'N' -> push(NONE);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'J' -> push((long) in.getInt()); // BININT
                    case 'K' -> push((long) (in.get() & 0xFF)); // BININT1
                    case 'M' -> push((long) (in.getShort() & 0xFFFF)); // BININT2
                    case 0x8a -> push(long1(at, in.get() & 0xFF)); // LONG1
                    case 'G' -> push(ByteBuffer.wrap(bytes(at, 8)).getDouble()); // BINFLOAT is big-endian
                    case 'X' -> push(string(at, unsignedInt(at))); // BINUNICODE
                    case 0x8c -> push(string(at, in.get() & 0xFF)); // SHORT_BINUNICODE
                    case 0x8d -> push(string(at, length8(at))); // BINUNICODE8
                    case 'T' -> push(bytes(at, unsignedInt(at))); // BINSTRING
                    case 'U' -> push(bytes(at, in.get() & 0xFF)); // SHORT_BINSTRING
                    case 'B' -> push(bytes(at, unsignedInt(at))); // BINBYTES
                    case 'C' -> push(bytes(at, in.get() & 0xFF)); // SHORT_BINBYTES
                    case ')' -> push(tuple(at, List.of()));
                    case 't' -> push(tuple(at, popMark(at)));
                    case 0x85 -> push(tuple(at, List.of(pop(at))));
                    case 0x86 -> push(tupleOf(at, 2));
                    case 0x87 -> push(tupleOf(at, 3));
                    case ']' -> push(container(new ArrayList<>()));
                    case 'a' -> appendTo(at, List.of(pop(at)));
                    case 'e' -> appendTo(at, popMark(at));
                    case '}' -> push(container(new LinkedHashMap<>()));
                    case 's' -> {
                        Object value = pop(at);
                        Object key = pop(at);
                        setItems(at, List.of(key, value));
                    }
                    case 'u' -> setItems(at, popMark(at));
                    case 'q' -> memo.put((long) (in.get() & 0xFF), peek(at)); // BINPUT
                    case 'r' -> memo.put(unsignedInt(at), peek(at)); // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
                    case 'h' -> push(memoGet(at, in.get() & 0xFF)); // BINGET
                    case 'j' -> push(memoGet(at, unsignedInt(at))); // LONG_BINGET
                    case 'c' -> push(global(at, line(at), line(at))); // GLOBAL
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop(at);
                        Object module = pop(at);
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw malformed(at, "has a STACK_GLOBAL whose module and name are not strings");
                        }
                        push(global(at, m, n));
                    }
                    case 'Q' -> { // BINPERSID
                        Object pid = pop(at);
                        if (!(pid instanceof Tuple t)) {
                            throw malformed(at, "has a persistent id that is not a tuple: " + describe(pid));
                        }
                        push(persistentLoad.apply(t));
                    }
                    case 'R' -> { // REDUCE
                        Object args = pop(at);
                        Object callable = pop(at);
                        push(reduce(at, callable, args));
                    }
                    case 'b' -> { // BUILD: only OrderedDict's _metadata attribute, which a loader does not need
                        Object state = pop(at);
                        Object target = peek(at);
                        if (!(target instanceof Map)) {
                            throw malformed(
                                    at,
                                    "asks to BUILD a " + describe(target) + " with state " + describe(state)
                                            + "; a state dict only sets attributes on its OrderedDict");
                        }
                    }
                    case 'i', 'o', 0x81, 0x92 ->
                        throw refused(
                                at,
                                "the opcode " + opcodeName(op)
                                        + ", which instantiates a class; a state dict never needs it");
                    default ->
                        throw refused(
                                at,
                                "the opcode 0x" + Integer.toHexString(op)
                                        + ", which a state dict saved by torch.save does not use");
                }
                if (stack.size() > MAX_STACK) {
                    throw malformed(at, "grows its stack beyond " + MAX_STACK + " entries");
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new CheckpointException(
                    file,
                    null,
                    "has a pickle that ends before its STOP opcode; the file is" + " truncated or corrupt",
                    e);
        }
    }

    private Object global(int at, String module, String name) {
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
        throw refused(
                at,
                "the global '" + qualified + "', which a state dict never needs; only"
                        + " collections.OrderedDict, torch._utils._rebuild_tensor_v2 and the torch.*Storage types are"
                        + " allowed. The file may be malicious; if you trust it, re-save it as safetensors");
    }

    private Object reduce(int at, Object callable, Object args) {
        if (!(args instanceof Tuple t)) {
            throw malformed(at, "calls with arguments that are not a tuple: " + describe(args));
        }
        if (callable == Callable.ORDERED_DICT) {
            if (t.size() != 0) {
                throw malformed(at, "builds an OrderedDict from arguments " + describe(args) + "; expected none");
            }
            return container(new LinkedHashMap<>());
        }
        if (callable == Callable.REBUILD_TENSOR_V2) {
            if (t.size() < 6
                    || !(t.get(0) instanceof StorageRef storage)
                    || !(t.get(1) instanceof Long offset)
                    || !(t.get(2) instanceof Tuple size)
                    || !(t.get(3) instanceof Tuple stride)
                    || size.size() != stride.size()) {
                throw malformed(at, "calls _rebuild_tensor_v2 with unexpected arguments " + describe(args));
            }
            return new TensorRef(storage, offset, longs(at, size), longs(at, stride));
        }
        throw refused(
                at, "a call of " + describe(callable) + "; only OrderedDict and _rebuild_tensor_v2 may be called");
    }

    private long[] longs(int at, Tuple t) {
        long[] out = new long[t.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(t.get(i) instanceof Long v) || v < 0) {
                throw malformed(at, "has a tensor size or stride that is not a non-negative integer: " + describe(t));
            }
            out[i] = v;
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private void appendTo(int at, List<Object> items) {
        if (!(peek(at) instanceof List<?> list)) {
            throw malformed(at, "appends to a " + describe(peek(at)) + ", not a list");
        }
        for (Object item : items) {
            hold(at, list, item);
        }
        ((List<Object>) list)
                .addAll(items.stream().map(o -> o == NONE ? null : o).toList());
    }

    @SuppressWarnings("unchecked")
    private void setItems(int at, List<Object> keysAndValues) {
        if (!(peek(at) instanceof Map<?, ?> map) || keysAndValues.size() % 2 != 0) {
            throw malformed(at, "sets items on a " + describe(peek(at)) + ", not a dict");
        }
        for (int i = 0; i < keysAndValues.size(); i += 2) {
            Object key = keysAndValues.get(i);
            if (!isScalar(key)) {
                throw malformed(
                        at,
                        "has a dict key that is a " + describe(key)
                                + "; a state dict's keys are strings, and a key built of containers can take"
                                + " exponential time to hash");
            }
            Object value = keysAndValues.get(i + 1);
            hold(at, map, value);
            ((Map<Object, Object>) map).put(key, value == NONE ? null : value);
        }
    }

    private static boolean isScalar(Object o) {
        return o == NONE
                || o instanceof String
                || o instanceof Long
                || o instanceof BigInteger
                || o instanceof Double
                || o instanceof Boolean;
    }

    /** A new, empty list or dict: depth 1. */
    private <T> T container(T empty) {
        depths.put(empty, 1);
        return empty;
    }

    /** A new tuple, which holds its items from now on. */
    private Tuple tuple(int at, List<Object> items) {
        Tuple t = container(new Tuple(items));
        for (Object item : items) {
            hold(at, t, item);
        }
        return t;
    }

    /**
     * Records that {@code outer} (a container not yet held by any other, being built) now holds {@code item}:
     * {@code item} may not change any more, and {@code outer} is at least one level deeper than it.
     */
    private void hold(int at, Object outer, Object item) {
        if (held.contains(outer) || item == outer) {
            throw malformed(
                    at,
                    "adds to a " + describe(outer) + " that is already inside another container (or to itself);"
                            + " a pickled state dict never does, and it would allow cycles");
        }
        Integer inner = depths.get(item);
        if (inner == null) {
            return; // not a container
        }
        held.add(item);
        int depth = inner + 1;
        if (depth > MAX_DEPTH) {
            throw malformed(
                    at, "nests tuples, lists and dicts more than " + MAX_DEPTH + " deep; a state dict nests 3 deep");
        }
        depths.merge(outer, depth, Math::max);
    }

    private Tuple tupleOf(int at, int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop(at);
        }
        return tuple(at, Arrays.asList(items));
    }

    private Object long1(int at, int n) {
        byte[] bytes = new byte[n];
        in.get(bytes);
        if (n == 0) {
            return 0L;
        }
        byte[] bigEndian = new byte[n];
        for (int i = 0; i < n; i++) {
            bigEndian[i] = bytes[n - 1 - i];
        }
        BigInteger value = new BigInteger(bigEndian);
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private long unsignedInt(int at) {
        return in.getInt() & 0xFFFFFFFFL;
    }

    private long length8(int at) {
        long n = in.getLong();
        if (n < 0) {
            throw malformed(at, "has a negative length");
        }
        return n;
    }

    private byte[] bytes(int at, long n) {
        if (n > in.remaining()) {
            throw malformed(at, "declares " + n + " bytes but only " + in.remaining() + " remain");
        }
        byte[] out = new byte[(int) n];
        in.get(out);
        return out;
    }

    private String string(int at, long n) {
        return new String(bytes(at, n), StandardCharsets.UTF_8);
    }

    private String line(int at) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte b = in.get();
            if (b == '\n') {
                return sb.toString();
            }
            if (sb.length() > 256) {
                throw malformed(at, "has a GLOBAL name longer than 256 characters");
            }
            sb.append((char) (b & 0xFF));
        }
    }

    private Object memoGet(int at, long index) {
        if (!memo.containsKey(index)) {
            throw malformed(at, "reads memo slot " + index + ", which was never written");
        }
        return memo.get(index);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object peek(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw malformed(at, "reads an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop(int at) {
        Object o = peek(at);
        stack.remove(stack.size() - 1);
        return o;
    }

    private List<Object> popMark(int at) {
        int mark = stack.lastIndexOf(MARK);
        if (mark < 0) {
            throw malformed(at, "pops to a MARK that was never pushed");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
    }

    /**
     * A value as a message shows it, e.g. {@code tuple['storage', 5]}: at most about {@value #DESCRIBE_CHARS}
     * characters and three levels, in time bounded by that length however large, deep or shared the value is.
     */
    static String describe(Object o) {
        StringBuilder out = new StringBuilder();
        if (o instanceof Tuple) {
            out.append("tuple");
        } else if (o != null && o != NONE) {
            out.append(o.getClass().getSimpleName()).append(' ');
        }
        render(o, out, 3);
        return out.length() > DESCRIBE_CHARS ? out.substring(0, DESCRIBE_CHARS) + "..." : out.toString();
    }

    private static void render(Object o, StringBuilder out, int levels) {
        if (out.length() > DESCRIBE_CHARS) {
            return;
        }
        if (o == null || o == NONE) {
            out.append("None");
        } else if (o instanceof Tuple t) {
            renderAll(t.items(), "[", "]", out, levels);
        } else if (o instanceof List<?> list) {
            renderAll(list, "[", "]", out, levels);
        } else if (o instanceof Map<?, ?> map) {
            renderAll(map.entrySet(), "{", "}", out, levels);
        } else if (o instanceof Map.Entry<?, ?> e) {
            render(e.getKey(), out, levels);
            out.append(": ");
            render(e.getValue(), out, levels);
        } else if (o instanceof String text) {
            out.append('\'')
                    .append(text, 0, Math.min(text.length(), DESCRIBE_CHARS))
                    .append('\'');
        } else if (o instanceof byte[] bytes) {
            out.append(bytes.length).append(" bytes");
        } else {
            out.append(o); // a number, a boolean, or one of this class's records of scalars
        }
    }

    /** Every item until the length limit: each one rendered adds at least one character, so this is bounded. */
    private static void renderAll(Iterable<?> items, String open, String close, StringBuilder out, int levels) {
        out.append(open);
        if (levels == 0) {
            out.append("...");
        } else {
            String separator = "";
            for (Object item : items) {
                if (out.length() > DESCRIBE_CHARS) {
                    break;
                }
                out.append(separator);
                render(item, out, levels - 1);
                separator = ", ";
            }
        }
        out.append(close);
    }

    private static String opcodeName(int op) {
        return switch (op) {
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            default -> "0x" + Integer.toHexString(op);
        };
    }

    private CheckpointException refused(int at, String what) {
        return new CheckpointException(
                file,
                null,
                "has a pickle that uses " + what + " (byte " + at + "); refused," + " nothing was executed");
    }

    private CheckpointException malformed(int at, String what) {
        return new CheckpointException(file, null, "has a malformed pickle: it " + what + " (byte " + at + ")");
    }
}
