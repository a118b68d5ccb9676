package io.llmblender.consensus;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.util.List;

/**
 * An offline baseline ranker that needs no download: consensus, i.e. minimum-Bayes-risk, selection. Each
 * candidate's score is its mean cosine similarity to the other candidates, with embeddings from
 * all-MiniLM-L6-v2, which ships inside a Maven jar and runs in-process (ONNX Runtime). The answer the others
 * agree with most wins.
 *
 * <p>This is a baseline, not PairRM: it never reads the input, so it rewards the majority view, right or wrong.
 * Use PairRM ({@code PairRanker}) for judgements of quality. The matrix of the ranking holds the pairwise
 * cosine similarities. Thread-safe.
 */
public final class ConsensusRanker implements Ranker {
    private final EmbeddingModel embeddings;

    /** With the bundled all-MiniLM-L6-v2 (loads in about 3 s). */
    public ConsensusRanker() {
        this(new AllMiniLmL6V2EmbeddingModel());
    }

    /**
     * With any langchain4j embedding model.
     *
     * @param embeddings embeds every candidate; e.g. langchain4j's in-process all-MiniLM-L6-v2
     */
    public ConsensusRanker(EmbeddingModel embeddings) {
        this.embeddings = embeddings;
    }

    @Override
    public Ranking rank(Item item) {
        List<String> candidates = item.candidates();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("Each input must have at least one candidate");
        }
        int c = candidates.size();
        // the embedding model refuses blank text; an empty answer stands for itself with a placeholder
        List<Embedding> e = embeddings
                .embedAll(candidates.stream()
                        .map(t -> TextSegment.from(blank(t) ? "[empty answer]" : t))
                        .toList())
                .content();
        float[][] cosine = new float[c][c];
        float[] scores = new float[c];
        for (int i = 0; i < c; i++) {
            float sum = 0;
            for (int j = 0; j < c; j++) {
                cosine[i][j] = i == j ? 1f : cos(e.get(i).vector(), e.get(j).vector());
                sum += i == j ? 0 : cosine[i][j];
            }
            scores[i] = c == 1 ? 0f : sum / (c - 1);
        }
        return Ranking.of(candidates, scores, cosine);
    }

    /** Nothing but spaces, control or format characters (the embedding model's own test is broader than isBlank). */
    static boolean blank(String text) {
        return text.codePoints()
                .allMatch(c -> c <= ' '
                        || Character.isWhitespace(c)
                        || Character.isSpaceChar(c)
                        || Character.getType(c) == Character.FORMAT
                        || Character.getType(c) == Character.CONTROL);
    }

    private static float cos(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }
}
