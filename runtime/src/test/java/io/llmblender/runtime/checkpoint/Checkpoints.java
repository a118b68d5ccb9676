package io.llmblender.runtime.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.ThreadMXBean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * Test helpers: the fixture checkpoints, a way to rewrite a safetensors header around the same data, and the
 * bounds every attack on a reader must stay within.
 */
final class Checkpoints {
    static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {}

    static Path resource(String name) {
        try {
            return Path.of(Checkpoints.class
                    .getClassLoader()
                    .getResource("checkpoints/" + name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The header of a safetensors file as a mutable JSON object. */
    static ObjectNode header(byte[] file) {
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        try {
            return (ObjectNode) JSON.readTree(new String(file, 8, (int) length, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] data(byte[] file) {
        long length = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return Arrays.copyOfRange(file, 8 + (int) length, file.length);
    }

    /** A safetensors file of {@code headerText} (padded with spaces to a multiple of 8) and {@code data}. */
    static byte[] assemble(String headerText, byte[] data) {
        byte[] header = headerText.getBytes(StandardCharsets.UTF_8);
        int padded = (header.length + 7) / 8 * 8;
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(header);
        for (int i = header.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(data);
        return out.array();
    }

    /** What an attack on a reader may cost before it is refused: heap allocated, direct memory kept. */
    static final long ATTACK_BYTES = 64L << 20;

    /**
     * Runs an attack on a reader, which must end in a {@link CheckpointException} within five seconds, having
     * allocated less than {@link #ATTACK_BYTES} of heap on its thread and left less than that much more direct
     * memory in use. Returns the exception, for its message.
     */
    static CheckpointException refusedWithinBounds(ThrowingCallable attack) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .findFirst()
                .orElseThrow();
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            long heapBefore = threads.getCurrentThreadAllocatedBytes();
            long directBefore = direct.getMemoryUsed();
            Throwable thrown = catchThrowable(attack);
            long heap = threads.getCurrentThreadAllocatedBytes() - heapBefore;
            long kept = direct.getMemoryUsed() - directBefore;
            assertThat(thrown).isInstanceOf(CheckpointException.class);
            assertThat(heap).as("heap allocated by the attack").isLessThan(ATTACK_BYTES);
            assertThat(kept).as("direct memory kept by the attack").isLessThan(ATTACK_BYTES);
            return (CheckpointException) thrown;
        });
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
