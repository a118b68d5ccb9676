package io.llmblender.eval;

import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.ranker.CompareMode;
import io.llmblender.ranker.Comparison;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairScorer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A ranker's logits on labelled pairs, taken from a {@link ResultCache} where an earlier run already computed them.
 * The key names the model, the mode, the order and a digest of the item's text, so a cache shared by several
 * rankers or benchmarks never hands one of them another's numbers. The items still missing go to the model as one
 * batch, so it packs its forward passes as it would without the cache.
 */
public final class PairLogits {
    private PairLogits() {}

    /**
     * One logit per item: {@code ranker.compare} on (a, b), or on (b, a) when {@code swapped}.
     *
     * @param ranker the pair scorer
     * @param model what identifies the ranker's weights (its folder or hub id); part of every key
     * @param items the pairs
     * @param mode which orders are scored
     * @param swapped score each pair as (b, a)
     * @param cache where logits are kept between runs, or null to compute them all
     * @return one logit per item
     */
    public static float[] compare(
            PairScorer ranker,
            String model,
            List<PairwiseItem> items,
            CompareMode mode,
            boolean swapped,
            ResultCache cache) {
        float[] logits = new float[items.size()];
        String[] keys = new String[items.size()];
        List<Integer> missing = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            keys[i] = model + "|" + mode + "|" + (swapped ? "ba" : "ab") + "|" + digest(items.get(i));
            Double cached = cache == null ? null : cache.find(keys[i]);
            if (cached == null) {
                missing.add(i);
            } else {
                logits[i] = cached.floatValue();
            }
        }
        if (missing.isEmpty()) {
            return logits;
        }
        List<Item> pairs = new ArrayList<>();
        for (int i : missing) {
            PairwiseItem it = items.get(i);
            pairs.add(new Item(it.prompt(), swapped ? List.of(it.b(), it.a()) : List.of(it.a(), it.b())));
        }
        List<Comparison> computed = ranker.compare(pairs, mode);
        for (int j = 0; j < computed.size(); j++) {
            int i = missing.get(j);
            logits[i] = computed.get(j).logit();
            if (cache != null) {
                cache.put(keys[i], logits[i]);
            }
        }
        return logits;
    }

    private static String digest(PairwiseItem item) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            // lengths first, so no choice of texts makes two different items hash the same bytes
            for (String s : new String[] {item.prompt(), item.a(), item.b()}) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                sha.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(b);
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
