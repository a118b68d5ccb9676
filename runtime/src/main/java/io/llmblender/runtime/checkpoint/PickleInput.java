package io.llmblender.runtime.checkpoint;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one pickle, read as its opcodes' arguments: little-endian integers, length-prefixed strings and
 * bytes (each length checked against what remains before anything is allocated), and the newline-ended names of
 * GLOBAL. A read past the end throws {@link java.nio.BufferUnderflowException}, which {@link RestrictedUnpickler}
 * reports as a truncated file.
 *
 * <p>Not thread-safe; one instance reads one pickle.
 */
final class PickleInput {
    private final ByteBuffer in;
    private final PickleErrors errors;

    PickleInput(byte[] pickle, PickleErrors errors) {
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        this.errors = errors;
    }

    /** The offset of the next byte, which messages name. */
    int position() {
        return in.position();
    }

    int u8() {
        return in.get() & 0xFF;
    }

    int u16() {
        return in.getShort() & 0xFFFF;
    }

    int i32() {
        return in.getInt();
    }

    long i64() {
        return in.getLong();
    }

    long unsignedInt() {
        return in.getInt() & 0xFFFFFFFFL;
    }

    /** LONG1's {@code n} bytes: a little-endian two's-complement integer, a {@link Long} if it fits. */
    Object long1(int n) {
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

    long length8(int at) {
        long n = in.getLong();
        if (n < 0) {
            throw errors.malformed(at, "has a negative length");
        }
        return n;
    }

    byte[] bytes(int at, long n) {
        if (n > in.remaining()) {
            throw errors.malformed(at, "declares " + n + " bytes but only " + in.remaining() + " remain");
        }
        byte[] out = new byte[(int) n];
        in.get(out);
        return out;
    }

    String string(int at, long n) {
        return new String(bytes(at, n), StandardCharsets.UTF_8);
    }

    String line(int at) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            byte b = in.get();
            if (b == '\n') {
                return sb.toString();
            }
            if (sb.length() > 256) {
                throw errors.malformed(at, "has a GLOBAL name longer than 256 characters");
            }
            sb.append((char) (b & 0xFF));
        }
    }
}
