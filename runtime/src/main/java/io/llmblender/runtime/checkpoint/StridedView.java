package io.llmblender.runtime.checkpoint;

import io.llmblender.runtime.checkpoint.RestrictedUnpickler.StorageRef;
import io.llmblender.runtime.checkpoint.RestrictedUnpickler.TensorRef;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A pickled tensor as a strided view of its storage ({@link TensorRef}): the checks that keep it inside the
 * storage, and the copy of its elements in row-major order. Sizes, strides and offsets are non-negative and their
 * arithmetic overflow-checked; a view reads only elements of its storage and has no more elements than it (a
 * stride-0 view of one value could otherwise ask for any amount of memory).
 */
final class StridedView {
    private StridedView() {}

    /**
     * Everything about the view {@code ref} of tensor {@code key} that can be checked without reading its storage
     * entry of {@code entryBytes} bytes.
     */
    static void check(Path file, String key, String name, TensorRef ref, long entryBytes) {
        StorageRef storage = ref.storage();
        if (storage.elements() < 0 || ref.offset() < 0) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage of " + storage.elements() + " elements at offset " + ref.offset()
                            + "; both must be non-negative, the file is corrupt");
        }
        long width = storage.dtype().bytes();
        long elements;
        long last = ref.offset();
        try {
            long expected = Math.multiplyExact(storage.elements(), width);
            if (entryBytes != expected) {
                throw new CheckpointException(
                        file,
                        key,
                        "has a storage of " + entryBytes + " bytes, but " + storage.elements() + " " + storage.dtype()
                                + " elements need " + expected);
            }
            elements = 1;
            for (int d = 0; d < ref.size().length; d++) {
                elements = Math.multiplyExact(elements, ref.size()[d]);
                if (ref.size()[d] > 0) {
                    last = Math.addExact(last, Math.multiplyExact(ref.size()[d] - 1, ref.stride()[d]));
                }
            }
        } catch (ArithmeticException e) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage, size " + Arrays.toString(ref.size()) + " or stride " + Arrays.toString(ref.stride())
                            + " too large to address (64-bit overflow); the file is corrupt");
        }
        if (entryBytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(
                    file,
                    key,
                    "has a storage '" + name + "' of " + entryBytes
                            + " bytes, more than one buffer holds; save it as safetensors shards");
        }
        if (elements == 0) {
            return; // an empty tensor reads nothing
        }
        if (last >= storage.elements()) {
            throw new CheckpointException(
                    file, key, "reads element " + last + " of a storage that has " + storage.elements());
        }
        if (elements > storage.elements()) {
            throw new CheckpointException(
                    file,
                    key,
                    "has " + elements + " elements but its storage holds only " + storage.elements()
                            + "; a view that repeats elements (a stride-0 expand) cannot be loaded, save"
                            + " tensor.contiguous() instead");
        }
    }

    /**
     * The {@code bytes} bytes of the checked view {@code ref} of {@code storage}, elements of {@code width} bytes
     * in row-major order: the storage itself if the view is all of it, else a copy.
     */
    static ByteBuffer elements(TensorRef ref, ByteBuffer storage, int width, int bytes) {
        if (isContiguous(ref) && bytes == storage.capacity()) {
            return storage; // the whole storage, as it is: no copy
        }
        if (isContiguous(ref)) {
            return ByteBuffer.allocateDirect(bytes).put(storage.slice((int) (ref.offset() * width), bytes));
        }
        // A saved view (e.g. a transposed weight): gather its elements in row-major order.
        ByteBuffer out = ByteBuffer.allocateDirect(bytes);
        long[] index = new long[ref.size().length];
        for (int n = 0; n < bytes; n += width) {
            long at = ref.offset();
            for (int d = 0; d < index.length; d++) {
                at += index[d] * ref.stride()[d];
            }
            out.put(n, storage, (int) (at * width), width);
            for (int d = index.length - 1; d >= 0 && ++index[d] == ref.size()[d]; d--) {
                index[d] = 0;
            }
        }
        return out;
    }

    private static boolean isContiguous(TensorRef ref) {
        long expected = 1;
        for (int d = ref.size().length - 1; d >= 0; d--) {
            if (ref.size()[d] != 1 && ref.stride()[d] != expected) {
                return false;
            }
            expected *= ref.size()[d];
        }
        return true;
    }
}
