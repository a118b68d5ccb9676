package io.llmblender.adapters;

import io.llmblender.adapters.guard.GuardConfig;

/**
 * One ensemble member as the configuration file describes it. Build one with {@link #builder()}; what each
 * provider needs (a name, a model, a key variable, a base URL) is checked by {@link EnsembleConfig#read} and
 * {@link Members#build}, which name the field to fix.
 *
 * <pre>{@code
 * MemberSpec local = MemberSpec.builder()
 *         .name("local").provider("openai-compatible").model("llama3")
 *         .baseUrl("http://127.0.0.1:8000/v1")
 *         .build();
 * }</pre>
 *
 * @param provider {@code openai}, {@code openai-compatible}, {@code ollama}, {@code anthropic}, {@code gemini} or
 *     {@code replay}
 * @param baseUrl the server for {@code openai-compatible} and {@code ollama} (optional for the others)
 * @param apiKeyEnv the environment variable holding the key; the key itself never sits in the file
 * @param temperature sent with every request, or null for the provider's default
 * @param maxTokens the answer's length limit, or null for the provider's default
 * @param replayQuestions for {@code replay}: MT-bench's question.jsonl, or null for a prompt/answer JSONL
 * @param replayAnswers for {@code replay}: the model's answers
 * @param guard time limit, retries, breaker and bulkhead; {@link GuardConfig#defaults()} if not set
 */
public record MemberSpec(
        String name,
        String provider,
        String model,
        String baseUrl,
        String apiKeyEnv,
        Double temperature,
        Integer maxTokens,
        String replayQuestions,
        String replayAnswers,
        GuardConfig guard) {

    public MemberSpec {
        guard = guard == null ? GuardConfig.defaults() : guard;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link MemberSpec}; every field starts unset (null), the guard at its defaults. */
    public static final class Builder {
        private String name;
        private String provider;
        private String model;
        private String baseUrl;
        private String apiKeyEnv;
        private Double temperature;
        private Integer maxTokens;
        private String replayQuestions;
        private String replayAnswers;
        private GuardConfig guard;

        private Builder() {}

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        public Builder apiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder replayQuestions(String replayQuestions) {
            this.replayQuestions = replayQuestions;
            return this;
        }

        public Builder replayAnswers(String replayAnswers) {
            this.replayAnswers = replayAnswers;
            return this;
        }

        public Builder guard(GuardConfig guard) {
            this.guard = guard;
            return this;
        }

        public MemberSpec build() {
            return new MemberSpec(
                    name,
                    provider,
                    model,
                    baseUrl,
                    apiKeyEnv,
                    temperature,
                    maxTokens,
                    replayQuestions,
                    replayAnswers,
                    guard);
        }
    }
}
