package io.llmblender.ranker.rm;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.llmblender.ranker.Batching;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranking;
import io.llmblender.ranker.RankingModel;
import io.llmblender.ranker.Selector;
import io.llmblender.ranker.Strategy;
import io.llmblender.ranker.deberta.DebertaV2ForSequenceClassification;
import io.llmblender.ranker.select.Candidates;
import io.llmblender.ranker.select.RankingSelector;
import io.llmblender.runtime.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pointwise reward model over a DeBERTa sequence classifier, as LLM-Blender's {@code deberta-rm} ranker type runs
 * OpenAssistant/reward-model-deberta-v3-large-v2 (spec §5): each (source, candidate) pair is encoded as the model's
 * tokenizer encodes a sentence pair, {@code [CLS] source [SEP] candidate [SEP]}, after source and candidate were each
 * cut to {@code maxLength} tokens by an encode→decode round trip; the reward is {@code logits[:, 0]}. Ranking sorts
 * by reward; {@code compare} is {@code reward(A) − reward(B)}; every selection strategy reduces to scoring each
 * candidate once (C rows, fewer than any pairwise strategy).
 *
 * <pre>{@code
 * try (RankingModel rm = RankingModels.load("OpenAssistant/reward-model-deberta-v3-large-v2")) {
 *     float[] rewards = rm.rewards(new Item("Explain gravity.", List.of(answerA, answerB)));
 * }
 * }</pre>
 *
 * <p>Thread-safe; {@link #close()} frees the model and the tokenizer.
 */
public final class DebertaRewardModel implements RankingModel {
    private final DebertaV2ForSequenceClassification model;
    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;
    private final Batching batching;

    /**
     * A reward model over a loaded classifier and its tokenizer, which it owns from now on.
     *
     * @param model the loaded classifier; the reward model owns it from now on
     * @param tokenizer its tokenizer, opened by {@link #tokenizer}; owned from now on
     * @param maxLength the token limit of source and candidate each (the tokenizer's {@code model_max_length},
     *     512 for deberta-v3, unless configured)
     * @param batching how (source, candidate) rows are packed into forward passes
     */
    public DebertaRewardModel(
            DebertaV2ForSequenceClassification model,
            HuggingFaceTokenizer tokenizer,
            int maxLength,
            Batching batching) {
        if (maxLength < 2) {
            throw new IllegalArgumentException("maxLength must leave room for [CLS] and [SEP]; got " + maxLength);
        }
        this.model = model;
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.batching = batching;
    }

    /**
     * Opens the tokenizer of a model folder the way this model needs it (special tokens on, no cuts).
     *
     * @param folder the model folder holding {@code tokenizer.json}
     * @return the tokenizer; the caller closes it (or hands it to the constructor)
     */
    public static HuggingFaceTokenizer tokenizer(java.nio.file.Path folder) {
        return Tokenizers.load(folder, true, "a DeBERTa reward model folder needs its tokenizer.json");
    }

    @Override
    public float[] rewards(Item item) {
        return rewardsOf(List.of(item)).get(0);
    }

    @Override
    public Ranking rank(Item item) {
        return rank(List.of(item)).get(0);
    }

    @Override
    public List<Ranking> rank(List<Item> items) {
        List<float[]> rewards = rewardsOf(items);
        List<Ranking> out = new ArrayList<>();
        for (int n = 0; n < items.size(); n++) {
            out.add(Ranking.of(items.get(n).candidates(), rewards.get(n), new float[0][]));
        }
        return out;
    }

    /** {@code reward(first) − reward(second)}: the pairwise view of a pointwise model. */
    @Override
    public float[] logits(List<Item> items, List<Pair> pairs) {
        List<float[]> rewards = rewardsOf(items);
        float[] out = new float[pairs.size()];
        for (int k = 0; k < out.length; k++) {
            Pair p = pairs.get(k);
            out[k] = rewards.get(p.item())[p.first()] - rewards.get(p.item())[p.second()];
        }
        return out;
    }

    /** Every strategy is served by scoring each candidate once, which no pairwise strategy beats. */
    @Override
    public Selector selector(Strategy strategy) {
        return new RankingSelector(this);
    }

    /** The rewards of every item's candidates; identical (source, candidate) pairs are scored once. */
    private List<float[]> rewardsOf(List<Item> items) {
        Map<List<Long>, Integer> distinct = new LinkedHashMap<>();
        List<int[]> slots = new ArrayList<>();
        Map<String, String> cut = new HashMap<>();
        for (Item item : items) {
            Candidates.check(item);
            String source = cut.computeIfAbsent(item.source(), this::truncate);
            int[] slot = new int[item.size()];
            for (int c = 0; c < item.size(); c++) {
                String candidate = cut.computeIfAbsent(item.candidates().get(c), this::truncate);
                List<Long> row = boxed(tokenizer.encode(source, candidate).getIds());
                slot[c] = distinct.computeIfAbsent(row, r -> distinct.size());
            }
            slots.add(slot);
        }
        List<long[]> rows = distinct.keySet().stream()
                .map(r -> r.stream().mapToLong(Long::longValue).toArray())
                .toList();
        float[] scores = score(rows);
        List<float[]> out = new ArrayList<>();
        for (int[] slot : slots) {
            float[] r = new float[slot.length];
            for (int c = 0; c < slot.length; c++) {
                r[c] = scores[slot[c]];
            }
            out.add(r);
        }
        return out;
    }

    /** {@code logits[:, 0]} of each row, rows packed into passes by the token budget. */
    private float[] score(List<long[]> rows) {
        float[] out = new float[rows.size()];
        for (int[] pass : batching.pack(rows.stream().mapToInt(r -> r.length).toArray())) {
            int width = rows.get(pass[0]).length;
            long[][] ids = new long[pass.length][width];
            long[][] mask = new long[pass.length][width];
            for (int i = 0; i < pass.length; i++) {
                long[] row = rows.get(pass[i]);
                System.arraycopy(row, 0, ids[i], 0, row.length);
                Arrays.fill(mask[i], 0, row.length, 1L);
            }
            float[] logits = model.logits(ids, mask);
            for (int i = 0; i < pass.length; i++) {
                out[pass[i]] = logits[i * model.numLabels()]; // label 0 is the reward (spec §5)
            }
        }
        return out;
    }

    /** The reference's cut: encode with special tokens, keep {@code maxLength} ids, decode without them. */
    private String truncate(String text) {
        long[] ids = tokenizer.encode(text).getIds();
        if (ids.length > maxLength) {
            long[] kept = Arrays.copyOf(ids, maxLength);
            kept[maxLength - 1] = ids[ids.length - 1]; // the closing [SEP], as HF's truncation keeps it
            ids = kept;
        }
        return tokenizer.decode(ids, true);
    }

    private static List<Long> boxed(long[] ids) {
        List<Long> out = new ArrayList<>(ids.length);
        for (long id : ids) {
            out.add(id);
        }
        return out;
    }

    /**
     * The classifier this reward model runs, for its configuration and usage.
     *
     * @return the model; closed with this reward model
     */
    public DebertaV2ForSequenceClassification model() {
        return model;
    }

    @Override
    public void close() {
        model.close();
        tokenizer.close();
    }
}
