package io.llmblender.eval;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmblender.eval.data.PairwiseItem;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranker;
import io.llmblender.ranker.Ranking;
import java.util.List;
import java.util.Locale;

/**
 * An LLM as the judge: any langchain4j {@link ChatModel} compares two responses with the prompt {@link #PROMPT}
 * and answers A, B or TIE. As a {@link PairwiseJudge} it is scored in both orders like any pairwise judge (so
 * the PairRM card's GPT-4 rows can be reproduced with API access); as a {@link Ranker} it judges every ordered
 * pair and scores each candidate by its wins (a tie counts half). Temperature 0. Thread-safe if the model is.
 */
public final class LlmJudge implements PairwiseJudge, Ranker {
    /** The judge's prompt; {@code {{question}}}, {@code {{a}}} and {@code {{b}}} are filled in. */
    public static final String PROMPT = """
            Please act as an impartial judge and evaluate the quality of the responses provided by two AI assistants \
            to the user question below. Judge helpfulness, correctness, relevance, depth and harmlessness. Do not let \
            the order, the length or the assistants' names influence you.

            [User Question]
            {{question}}

            [The Start of Assistant A's Answer]
            {{a}}
            [The End of Assistant A's Answer]

            [The Start of Assistant B's Answer]
            {{b}}
            [The End of Assistant B's Answer]

            Which answer is better? Reply with exactly one word: A, B, or TIE.""";

    private final ChatModel model;

    /**
     * A judge that asks {@code model}, one chat request per verdict.
     *
     * @param model the judging chat model
     */
    public LlmJudge(ChatModel model) {
        this.model = model;
    }

    /**
     * 0 = the first shown is better, 1 = the second, 2 = tie (also when the reply cannot be read).
     *
     * @param question the prompt both responses answer
     * @param first the response shown first
     * @param second the response shown second
     * @return the verdict
     */
    public int verdict(String question, String first, String second) {
        String prompt =
                PROMPT.replace("{{question}}", question).replace("{{a}}", first).replace("{{b}}", second);
        String reply = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from(prompt))
                        .temperature(0.0)
                        .build())
                .aiMessage()
                .text();
        String word =
                reply == null ? "" : reply.strip().toUpperCase(Locale.ROOT).replaceAll("[^A-Z].*$", "");
        return switch (word) {
            case "A" -> PairwiseItem.FIRST;
            case "B" -> PairwiseItem.SECOND;
            default -> PairwiseItem.TIE;
        };
    }

    @Override
    public int[] judge(List<PairwiseItem> items, boolean swapped) {
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            PairwiseItem it = items.get(i);
            out[i] = swapped ? verdict(it.prompt(), it.b(), it.a()) : verdict(it.prompt(), it.a(), it.b());
        }
        return out;
    }

    @Override
    public Ranking rank(Item item) {
        String input = item.source();
        List<String> candidates = item.candidates();
        int c = candidates.size();
        float[] wins = new float[c];
        float[][] matrix = new float[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < c; j++) {
                if (i == j) {
                    continue;
                }
                int v = verdict(input, candidates.get(i), candidates.get(j));
                float score = v == PairwiseItem.FIRST ? 1f : v == PairwiseItem.TIE ? 0.5f : 0f;
                matrix[i][j] = score;
                wins[i] += score;
                wins[j] += 1f - score;
            }
        }
        return Ranking.of(candidates, wins, matrix);
    }
}
