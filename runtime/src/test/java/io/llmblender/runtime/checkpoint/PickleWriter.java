package io.llmblender.runtime.checkpoint;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a pickle opcode by opcode, so a test can build exactly the bytes an attacker would (and what
 * {@code torch.save} writes, for {@link #stateDictOfOne}). Each method appends one opcode and its argument.
 */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter proto(int version) {
        out.write(0x80);
        out.write(version);
        return this;
    }

    PickleWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    /** {@code op} repeated {@code n} times. */
    PickleWriter ops(int opcode, int n) {
        for (int i = 0; i < n; i++) {
            out.write(opcode);
        }
        return this;
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** SHORT_BINUNICODE, or BINUNICODE for strings of 256 bytes and more. */
    PickleWriter string(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length < 256) {
            out.write(0x8c);
            out.write(b.length);
        } else {
            out.write('X');
            int32(b.length);
        }
        out.writeBytes(b);
        return this;
    }

    /** BININT1, BININT or LONG1, as Python's pickler picks them. */
    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            int32((int) v);
        } else {
            out.write(0x8a); // LONG1: little-endian two's complement
            out.write(8);
            for (int i = 0; i < 8; i++) {
                out.write((int) (v >>> (8 * i)));
            }
        }
        return this;
    }

    /** BINPUT: memo slot {@code slot} (0..255) takes the top of the stack. */
    PickleWriter put(int slot) {
        out.write('q');
        out.write(slot);
        return this;
    }

    /** BINGET: pushes memo slot {@code slot} (0..255). */
    PickleWriter get(int slot) {
        out.write('h');
        out.write(slot);
        return this;
    }

    /** A tuple of integers, as torch writes sizes and strides: MARK, the items, TUPLE. */
    PickleWriter tupleOf(long... items) {
        out.write('(');
        for (long v : items) {
            integer(v);
        }
        out.write('t');
        return this;
    }

    PickleWriter stop() {
        out.write('.');
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    private void int32(int v) {
        for (int i = 0; i < 4; i++) {
            out.write(v >>> (8 * i));
        }
    }

    /**
     * What {@code torch.save({key: tensor})} writes for one tensor: an OrderedDict whose value is
     * {@code _rebuild_tensor_v2(persistent_load(('storage', torch.<type>, '0', 'cpu', numel)), offset, size,
     * stride, False, OrderedDict())}.
     */
    static byte[] stateDictOfOne(String key, String storageType, long numel, long offset, long[] size, long[] stride) {
        return new PickleWriter()
                .proto(2)
                .global("collections", "OrderedDict")
                .op(')')
                .op('R')
                .op('(')
                .string(key)
                .global("torch._utils", "_rebuild_tensor_v2")
                .op('(')
                .op('(')
                .string("storage")
                .global("torch", storageType)
                .string("0")
                .string("cpu")
                .integer(numel)
                .op('t')
                .op('Q') // BINPERSID
                .integer(offset)
                .tupleOf(size)
                .tupleOf(stride)
                .op(0x89) // NEWFALSE: requires_grad
                .global("collections", "OrderedDict")
                .op(')')
                .op('R')
                .op('t')
                .op('R')
                .op('u')
                .stop()
                .bytes();
    }
}
