package io.llmblender.ranker.pairrm;

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
 */
public record PairRmOptions(int concurrentPasses, Precision precision) {
    public static final PairRmOptions DEFAULT = new PairRmOptions(1, Precision.AUTO);

    public PairRmOptions {
        if (concurrentPasses < 1) {
            throw new IllegalArgumentException("concurrentPasses must be at least 1, was " + concurrentPasses);
        }
        Objects.requireNonNull(precision, "precision; use Precision.AUTO for the machine's best");
    }

    public PairRmOptions withConcurrentPasses(int passes) {
        return new PairRmOptions(passes, precision);
    }

    public PairRmOptions withPrecision(Precision newPrecision) {
        return new PairRmOptions(concurrentPasses, newPrecision);
    }
}
