package io.llmblender.runtime.kernel;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a TorchScript archive's {@code data.pkl}: one module object of class {@code __torch__.<name>} with
 * plain attributes, in pickle protocol 2, with the opcodes {@code torch.jit.save} uses for such an object
 * (compared with what torch 1.13 writes, and read back by libtorch 2.7.1). No tensors are ever written: a
 * kernel's weights arrive later through a method call, so no tensor-storage records are needed.
 *
 * <p>Each pickle is written by an instance of its own inside {@link #module}, so this is thread-safe.
 */
final class ModulePickle {
    private static final int PROTO = 0x80;
    private static final int GLOBAL = 'c';
    private static final int EMPTY_TUPLE = ')';
    private static final int NEWOBJ = 0x81;
    private static final int EMPTY_DICT = '}';
    private static final int MARK = '(';
    private static final int BINUNICODE = 'X';
    private static final int NEWTRUE = 0x88;
    private static final int NEWFALSE = 0x89;
    private static final int BININT = 'J';
    private static final int LONG1 = 0x8a;
    private static final int BINFLOAT = 'G';
    private static final int EMPTY_LIST = ']';
    private static final int TUPLE2 = 0x86;
    private static final int REDUCE = 'R';
    private static final int SETITEMS = 'u';
    private static final int BUILD = 'b';
    private static final int STOP = '.';

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private ModulePickle() {}

    /**
     * The pickle of a module object whose attributes are {@code Boolean}, {@code Long}, {@code Double},
     * {@code String} or {@link TorchScriptArchive.EmptyList}, in the map's order.
     */
    static byte[] module(String className, Map<String, Object> attributes) {
        ModulePickle p = new ModulePickle();
        p.op(PROTO).op(2);
        p.global("__torch__", className);
        p.op(EMPTY_TUPLE).op(NEWOBJ); // cls.__new__(cls), no __init__: the state comes from BUILD
        p.op(EMPTY_DICT).op(MARK);
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            p.string(a.getKey());
            p.value(a.getValue());
        }
        p.op(SETITEMS).op(BUILD).op(STOP);
        return p.out.toByteArray();
    }

    /** The {@code constants.pkl} of an archive whose code has no tensor constants: an empty tuple. */
    static byte[] noConstants() {
        return new byte[] {(byte) PROTO, 2, EMPTY_TUPLE, STOP};
    }

    private void value(Object v) {
        if (v instanceof Boolean b) {
            op(b ? NEWTRUE : NEWFALSE);
        } else if (v instanceof Long l) {
            integer(l);
        } else if (v instanceof Double d) {
            op(BINFLOAT)
                    .bytes(ByteBuffer.allocate(8)
                            .order(ByteOrder.BIG_ENDIAN)
                            .putDouble(d)
                            .array());
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof TorchScriptArchive.EmptyList list) {
            // An empty list carries no element type of its own; libtorch's unpickler takes it from this call.
            // torch.jit.save writes List[Tensor] with build_tensorlist instead, but this form reads back the same.
            global("torch.jit._pickle", "restore_type_tag");
            op(EMPTY_LIST);
            string(list.type());
            op(TUPLE2).op(REDUCE);
        } else {
            throw new IllegalArgumentException("a TorchScript attribute cannot hold a "
                    + v.getClass().getName() + "; use bool, int, float, str or an empty list");
        }
    }

    private void integer(long l) {
        if (l == (int) l) {
            op(BININT)
                    .bytes(ByteBuffer.allocate(4)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putInt((int) l)
                            .array());
        } else {
            op(LONG1)
                    .op(8)
                    .bytes(ByteBuffer.allocate(8)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(l)
                            .array());
        }
    }

    private void global(String module, String name) {
        op(GLOBAL).bytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    private void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        op(BINUNICODE)
                .bytes(ByteBuffer.allocate(4)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .putInt(utf8.length)
                        .array());
        bytes(utf8);
    }

    private ModulePickle op(int code) {
        out.write(code);
        return this;
    }

    private void bytes(byte[] b) {
        out.writeBytes(b);
    }
}
