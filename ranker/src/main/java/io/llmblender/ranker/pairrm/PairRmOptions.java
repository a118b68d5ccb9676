package io.llmblender.ranker.pairrm;

/**
 * What is fixed when a PairRM model loads. Immutable.
 *
 * @param concurrentPasses forward passes that may run at once (default 1: torch spreads one pass over every
 *     core already, and each more pass adds its activations to the memory in use)
 */
public record PairRmOptions(int concurrentPasses) {
    public static final PairRmOptions DEFAULT = new PairRmOptions(1);

    public PairRmOptions {
        if (concurrentPasses < 1) {
            throw new IllegalArgumentException("concurrentPasses must be at least 1, was " + concurrentPasses);
        }
    }

    public PairRmOptions withConcurrentPasses(int passes) {
        return new PairRmOptions(passes);
    }
}
