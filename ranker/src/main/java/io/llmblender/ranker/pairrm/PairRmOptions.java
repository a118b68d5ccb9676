package io.llmblender.ranker.pairrm;

import io.llmblender.ranker.deberta.DebertaV2Encoder;
import io.llmblender.runtime.ComputeDevice;
import io.llmblender.runtime.kernel.Precision;
import java.util.Objects;

/**
 * What is fixed when a PairRM model loads. Immutable.
 *
 * @param concurrentPasses forward passes that may run at once (default 1: torch spreads one pass over every
 *     core already, and each more pass adds its activations to the memory in use)
 * @param precision the number format of the matmuls: {@code FP32} (the exact path the parity fixtures check),
 *     {@code BF16} (the CPU's bf16 matrix units; refused where the CPU has none), or {@code AUTO} (the default:
 *     bf16 where the CPU has {@code amx_bf16} or {@code avx512_bf16}, else fp32 after one warning)
 * @param attentionBlock elements of one attention block's {@code [heads, queries, keys]} score term, a block being
 *     some heads of one row (default 4 Mi floats, 16 MiB): smaller bounds a pass's attention memory further,
 *     larger makes fewer, bigger products
 * @param device where weights and passes live: {@code CPU} (default), {@code GPU} or {@code AUTO}
 */
public record PairRmOptions(int concurrentPasses, Precision precision, long attentionBlock, ComputeDevice device) {
    /** One pass at a time, {@code AUTO} precision, 4 Mi-element attention blocks, on the CPU. */
    public static final PairRmOptions DEFAULT =
            new PairRmOptions(1, Precision.AUTO, DebertaV2Encoder.DEFAULT_BLOCK_ELEMENTS, ComputeDevice.CPU);

    /**
     * Refuses fewer than one pass, a block below one element, and null precision or device.
     *
     * @param concurrentPasses forward passes that may run at once, at least 1
     * @param precision the number format of the matmuls
     * @param attentionBlock elements of one attention block's score term
     * @param device where weights and passes live
     */
    public PairRmOptions {
        if (concurrentPasses < 1) {
            throw new IllegalArgumentException("concurrentPasses must be at least 1, was " + concurrentPasses);
        }
        Objects.requireNonNull(precision, "precision; use Precision.AUTO for the machine's best");
        Objects.requireNonNull(device, "device; use ComputeDevice.CPU");
        if (attentionBlock < 1) {
            throw new IllegalArgumentException("attentionBlock must be at least 1 element, was " + attentionBlock);
        }
    }

    /**
     * These options with another number of concurrent passes.
     *
     * @param passes forward passes that may run at once, at least 1
     * @return new options
     */
    public PairRmOptions withConcurrentPasses(int passes) {
        return new PairRmOptions(passes, precision, attentionBlock, device);
    }

    /**
     * These options with another matmul precision.
     *
     * @param newPrecision {@code FP32}, {@code BF16} or {@code AUTO}
     * @return new options
     */
    public PairRmOptions withPrecision(Precision newPrecision) {
        return new PairRmOptions(concurrentPasses, newPrecision, attentionBlock, device);
    }

    /**
     * These options with another attention block size.
     *
     * @param elements elements of one attention block's score term, at least 1
     * @return new options
     */
    public PairRmOptions withAttentionBlock(long elements) {
        return new PairRmOptions(concurrentPasses, precision, elements, device);
    }

    /**
     * These options with another device.
     *
     * @param newDevice {@code CPU}, {@code GPU} or {@code AUTO}
     * @return new options
     */
    public PairRmOptions withDevice(ComputeDevice newDevice) {
        return new PairRmOptions(concurrentPasses, precision, attentionBlock, newDevice);
    }
}
