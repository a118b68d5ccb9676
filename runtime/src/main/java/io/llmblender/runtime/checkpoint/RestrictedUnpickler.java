package io.llmblender.runtime.checkpoint;

import static io.llmblender.runtime.checkpoint.PickleValues.NONE;
import static io.llmblender.runtime.checkpoint.PickleValues.describe;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 *   <li>Messages render values through {@code PickleValues.describe}, which stops after a fixed number of characters:
 *       printing a shared structure in full takes exponential time too.
 *   <li>The stack holds at most {@link #MAX_STACK} entries; everything else grows by a bounded amount per opcode,
 *       so the heap used is proportional to the pickle's size, which its reader bounds.
 * </ul>
 *
 * <p>This class is the stack machine: one opcode per case of {@code run}. Its parts live beside it:
 * {@link PickleInput} reads the opcodes' arguments, {@link PickleContainers} keeps the bounds on what is built,
 * {@link PickleGlobals} holds the allowed globals and what REDUCE builds from them, {@link PickleValues} renders
 * values for messages, and {@link PickleErrors} words the refusals.
 *
 * <p>Not thread-safe; one instance reads one pickle.
 */
public final class RestrictedUnpickler {
    /**
     * A Python tuple; kept distinct from lists because persistent ids and call arguments are tuples.
     *
     * @param items the tuple's items in order; null stands for None
     */
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

    private static final Object MARK = new Object();
    private static final int MAX_STACK = 1 << 20;
    /** Far above what a state dict nests (OrderedDict, _rebuild_tensor_v2's arguments, a size tuple: 3). */
    static final int MAX_DEPTH = 100;

    private final Path file;
    private final PickleErrors errors;
    private final PickleInput in;
    private final PickleContainers containers;
    private final PickleGlobals globals;
    private final Function<Tuple, Object> persistentLoad;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private RestrictedUnpickler(Path file, byte[] pickle, Function<Tuple, Object> persistentLoad) {
        this.file = file;
        this.errors = new PickleErrors(file);
        this.in = new PickleInput(pickle, errors);
        this.containers = new PickleContainers(errors);
        this.globals = new PickleGlobals(errors, containers);
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
                int op = in.u8();
                switch (op) {
                    case 0x80 -> { // PROTO
                        int protocol = in.u8();
                        if (protocol > 5) {
                            throw errors.malformed(
                                    at, "uses pickle protocol " + protocol + "; at most 5 is understood");
                        }
                    }
                    case 0x95 -> in.i64(); // FRAME: a length hint only
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
                    case 'J' -> push((long) in.i32()); // BININT
                    case 'K' -> push((long) in.u8()); // BININT1
                    case 'M' -> push((long) in.u16()); // BININT2
                    case 0x8a -> push(in.long1(in.u8())); // LONG1
                    case 'G' -> push(ByteBuffer.wrap(in.bytes(at, 8)).getDouble()); // BINFLOAT is big-endian
                    case 'X' -> push(in.string(at, in.unsignedInt())); // BINUNICODE
                    case 0x8c -> push(in.string(at, in.u8())); // SHORT_BINUNICODE
                    case 0x8d -> push(in.string(at, in.length8(at))); // BINUNICODE8
                    case 'T' -> push(in.bytes(at, in.unsignedInt())); // BINSTRING
                    case 'U' -> push(in.bytes(at, in.u8())); // SHORT_BINSTRING
                    case 'B' -> push(in.bytes(at, in.unsignedInt())); // BINBYTES
                    case 'C' -> push(in.bytes(at, in.u8())); // SHORT_BINBYTES
                    case ')' -> push(containers.tuple(at, List.of()));
                    case 't' -> push(containers.tuple(at, popMark(at)));
                    case 0x85 -> push(containers.tuple(at, List.of(pop(at))));
                    case 0x86 -> push(tupleOf(at, 2));
                    case 0x87 -> push(tupleOf(at, 3));
                    case ']' -> push(containers.container(new ArrayList<>()));
                    case 'a' -> {
                        List<Object> items = List.of(pop(at));
                        containers.appendTo(at, peek(at), items);
                    }
                    case 'e' -> {
                        List<Object> items = popMark(at);
                        containers.appendTo(at, peek(at), items);
                    }
                    case '}' -> push(containers.container(new LinkedHashMap<>()));
                    case 's' -> {
                        Object value = pop(at);
                        Object key = pop(at);
                        containers.setItems(at, peek(at), List.of(key, value));
                    }
                    case 'u' -> {
                        List<Object> keysAndValues = popMark(at);
                        containers.setItems(at, peek(at), keysAndValues);
                    }
                    case 'q' -> memo.put((long) in.u8(), peek(at)); // BINPUT
                    case 'r' -> memo.put(in.unsignedInt(), peek(at)); // LONG_BINPUT
                    case 0x94 -> memo.put((long) memo.size(), peek(at)); // MEMOIZE
                    case 'h' -> push(memoGet(at, in.u8())); // BINGET
                    case 'j' -> push(memoGet(at, in.unsignedInt())); // LONG_BINGET
                    case 'c' -> push(globals.global(at, in.line(at), in.line(at))); // GLOBAL
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop(at);
                        Object module = pop(at);
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw errors.malformed(at, "has a STACK_GLOBAL whose module and name are not strings");
                        }
                        push(globals.global(at, m, n));
                    }
                    case 'Q' -> { // BINPERSID
                        Object pid = pop(at);
                        if (!(pid instanceof Tuple t)) {
                            throw errors.malformed(at, "has a persistent id that is not a tuple: " + describe(pid));
                        }
                        push(persistentLoad.apply(t));
                    }
                    case 'R' -> { // REDUCE
                        Object args = pop(at);
                        Object callable = pop(at);
                        push(globals.reduce(at, callable, args));
                    }
                    case 'b' -> { // BUILD: only OrderedDict's _metadata attribute, which a loader does not need
                        Object state = pop(at);
                        Object target = peek(at);
                        if (!(target instanceof Map)) {
                            throw errors.malformed(
                                    at,
                                    "asks to BUILD a " + describe(target) + " with state " + describe(state)
                                            + "; a state dict only sets attributes on its OrderedDict");
                        }
                    }
                    case 'i', 'o', 0x81, 0x92 ->
                        throw errors.refused(
                                at,
                                "the opcode " + opcodeName(op)
                                        + ", which instantiates a class; a state dict never needs it");
                    default ->
                        throw errors.refused(
                                at,
                                "the opcode 0x" + Integer.toHexString(op)
                                        + ", which a state dict saved by torch.save does not use");
                }
                if (stack.size() > MAX_STACK) {
                    throw errors.malformed(at, "grows its stack beyond " + MAX_STACK + " entries");
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

    private Tuple tupleOf(int at, int n) {
        Object[] items = new Object[n];
        for (int i = n - 1; i >= 0; i--) {
            items[i] = pop(at);
        }
        return containers.tuple(at, Arrays.asList(items));
    }

    private Object memoGet(int at, long index) {
        if (!memo.containsKey(index)) {
            throw errors.malformed(at, "reads memo slot " + index + ", which was never written");
        }
        return memo.get(index);
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object peek(int at) {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw errors.malformed(at, "reads an empty stack");
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
            throw errors.malformed(at, "pops to a MARK that was never pushed");
        }
        List<Object> items = new ArrayList<>(stack.subList(mark + 1, stack.size()));
        stack.subList(mark, stack.size()).clear();
        return items;
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
}
