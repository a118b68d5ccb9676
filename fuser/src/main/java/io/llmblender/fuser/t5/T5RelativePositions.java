package io.llmblender.fuser.t5;

/**
 * T5's relative position buckets (Raffel et al., 2020, §2.1; HF {@code T5Attention._relative_position_bucket}),
 * for {@code relative_position = key − query}. Bidirectional (encoder): half the buckets per direction; causal
 * (decoder): only keys at or before the query count. Exact below half the buckets of a direction, log-spaced up
 * to {@code max_distance}, then clamped. Parity: the log term is float32 and truncated toward zero, as torch's
 * {@code .to(long)}. Immutable; thread-safe.
 */
final class T5RelativePositions {
    private final int numBuckets;
    private final int maxDistance;

    T5RelativePositions(int numBuckets, int maxDistance) {
        this.numBuckets = numBuckets;
        this.maxDistance = maxDistance;
    }

    int bucket(int relativePosition, boolean bidirectional) {
        int buckets = numBuckets;
        int result = 0;
        int n;
        if (bidirectional) {
            buckets /= 2;
            result += relativePosition > 0 ? buckets : 0;
            n = Math.abs(relativePosition);
        } else {
            n = -Math.min(relativePosition, 0);
        }
        int maxExact = buckets / 2;
        if (n < maxExact) {
            return result + n;
        }
        float ratio = (float) n / (float) maxExact;
        float scaled = (float) Math.log(ratio)
                / (float) Math.log((double) maxDistance / maxExact)
                * (float) (buckets - maxExact);
        int large = maxExact + (int) scaled;
        return result + Math.min(large, buckets - 1);
    }
}
