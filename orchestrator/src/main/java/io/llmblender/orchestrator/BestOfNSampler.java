package io.llmblender.orchestrator;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.llmblender.ranker.Selector;
import java.util.ArrayList;
import java.util.List;

/**
 * Best-of-n sampling with one model (spec §3.8, Python's {@code best_of_n_generate}): sample n answers to the same
 * request, then keep the best by any {@link Selector}: bubble selection (2·(n−1) comparisons), a knockout, or a full
 * ranking. Also a {@link ChatModel} itself, so it can stand in for the model it samples.
 *
 * <pre>{@code
 * ChatModel better = new BestOfNSampler(openAi, pairRanker.selector(Strategy.BUBBLE), 5, BestOfNSampler.Sampling.TOP_P);
 * String answer = better.chat("Write a limerick about Java.");
 * }</pre>
 *
 * Sampling presets fill only what the request does not set: {@code TOP_P} = temperature 0.7 and top-p 1.0,
 * {@code TOP_K} = temperature 0.7 and top-k 50, as the reference (OpenAI has no top-k and refuses it; Ollama,
 * Anthropic and Gemini take it). Thread-safe if the model and ranker are.
 */
public final class BestOfNSampler implements ChatModel {
    /** The reference's sampling presets. */
    public enum Sampling {
        /** Temperature 0.7 and top-p 1.0 where the request sets none. */
        TOP_P,
        /** Temperature 0.7 and top-k 50 where the request sets none. */
        TOP_K,
        /** Send the request as it is. */
        NONE
    }

    /**
     * The samples and the index of the chosen one.
     *
     * @param samples the answers sampled, in order
     * @param best the index of the chosen sample
     * @param usage the tokens all samples used together
     */
    public record Result(List<String> samples, int best, TokenUsage usage) {
        /**
         * Copies the samples.
         *
         * @param samples the answers sampled, in order
         * @param best the index of the chosen sample
         * @param usage the tokens all samples used together
         */
        public Result {
            samples = List.copyOf(samples);
        }

        /**
         * The chosen sample.
         *
         * @return {@code samples().get(best())}
         */
        public String answer() {
            return samples.get(best);
        }
    }

    private final ChatModel model;
    private final Selector selector;
    private final int n;
    private final Sampling sampling;

    /**
     * Best-of-n over {@code model} (Python {@code best_of_n_generate}): each call samples {@code n} answers and returns
     * the one {@code selector} picks.
     *
     * @param model the model that samples
     * @param selector picks the best sample, e.g. {@code pairRanker.selector(Strategy.BUBBLE)}
     * @param n samples per call, at least 1
     * @param sampling the preset filled into requests that leave sampling open
     * @throws IllegalArgumentException if {@code n} is below 1
     */
    public BestOfNSampler(ChatModel model, Selector selector, int n, Sampling sampling) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, was " + n);
        }
        this.model = model;
        this.selector = selector;
        this.n = n;
        this.sampling = sampling;
    }

    /** The request with the sampling preset filled in where the caller left it open. */
    ChatRequest sampled(ChatRequest request) {
        ChatRequestParameters p = request.parameters();
        DefaultChatRequestParameters.Builder<?> b =
                ChatRequestParameters.builder().overrideWith(p);
        if (sampling != Sampling.NONE && p.temperature() == null) {
            b.temperature(0.7);
        }
        if (sampling == Sampling.TOP_P && p.topP() == null) {
            b.topP(1.0);
        }
        if (sampling == Sampling.TOP_K && p.topK() == null) {
            b.topK(50);
        }
        return request.toBuilder().parameters(b.build()).build();
    }

    /**
     * Samples n answers and selects the best.
     *
     * @param request the chat request, sent n times with the sampling preset filled in
     * @return the samples, the chosen index and the tokens all samples used
     */
    public Result sample(ChatRequest request) {
        ChatRequest r = sampled(request);
        List<String> samples = new ArrayList<>();
        TokenUsage usage = null;
        for (int i = 0; i < n; i++) {
            ChatResponse response = model.chat(r);
            samples.add(response.aiMessage().text());
            usage = TokenUsage.sum(usage, response.tokenUsage());
        }
        if (n == 1) {
            return new Result(samples, 0, usage);
        }
        int best = selector.best(Prompt.from(request).item(samples));
        return new Result(samples, best, usage);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        Result r = sample(request);
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(r.answer()))
                .tokenUsage(r.usage())
                .build();
    }
}
