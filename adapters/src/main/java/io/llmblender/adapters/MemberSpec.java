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
 * @param name the member's name, unique in the ensemble
 * @param provider {@code openai}, {@code openai-compatible}, {@code ollama}, {@code anthropic}, {@code gemini} or
 *     {@code replay}
 * @param model the provider's model name
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

    /**
     * Puts {@link GuardConfig#defaults()} in for a null guard.
     *
     * @param name the member's name, unique in the ensemble
     * @param provider {@code openai}, {@code openai-compatible}, {@code ollama}, {@code anthropic}, {@code gemini} or
     *     {@code replay}
     * @param model the provider's model name
     * @param baseUrl the server, or null for the provider's default
     * @param apiKeyEnv the environment variable holding the key, or null
     * @param temperature sent with every request, or null
     * @param maxTokens the answer's length limit, or null
     * @param replayQuestions for {@code replay}: MT-bench's question.jsonl, or null
     * @param replayAnswers for {@code replay}: the model's answers
     * @param guard time limit, retries, breaker and bulkhead, or null for the defaults
     */
    public MemberSpec {
        guard = guard == null ? GuardConfig.defaults() : guard;
    }

    /**
     * A builder with every field unset and the default guard.
     *
     * @return a new builder
     */
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

        /**
         * The member's name.
         *
         * @param name unique in the ensemble
         * @return this builder
         */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * The provider.
         *
         * @param provider {@code openai}, {@code openai-compatible}, {@code ollama}, {@code anthropic}, {@code gemini}
         *     or {@code replay}
         * @return this builder
         */
        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        /**
         * The provider's model name.
         *
         * @param model e.g. {@code gpt-4o-mini}
         * @return this builder
         */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /**
         * The server to call.
         *
         * @param baseUrl e.g. {@code http://127.0.0.1:8000/v1}
         * @return this builder
         */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * The environment variable holding the API key.
         *
         * @param apiKeyEnv e.g. {@code OPENAI_API_KEY}
         * @return this builder
         */
        public Builder apiKeyEnv(String apiKeyEnv) {
            this.apiKeyEnv = apiKeyEnv;
            return this;
        }

        /**
         * The sampling temperature.
         *
         * @param temperature sent with every request, or null for the provider's default
         * @return this builder
         */
        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        /**
         * The answer's length limit.
         *
         * @param maxTokens tokens, or null for the provider's default
         * @return this builder
         */
        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * For {@code replay}: MT-bench's questions.
         *
         * @param replayQuestions a path to {@code question.jsonl}, or null for a prompt/answer JSONL
         * @return this builder
         */
        public Builder replayQuestions(String replayQuestions) {
            this.replayQuestions = replayQuestions;
            return this;
        }

        /**
         * For {@code replay}: the recorded answers.
         *
         * @param replayAnswers a path to the answers' JSONL
         * @return this builder
         */
        public Builder replayAnswers(String replayAnswers) {
            this.replayAnswers = replayAnswers;
            return this;
        }

        /**
         * The guard.
         *
         * @param guard time limit, retries, breaker and bulkhead
         * @return this builder
         */
        public Builder guard(GuardConfig guard) {
            this.guard = guard;
            return this;
        }

        /**
         * The member spec; its fields are checked when the member is built, not here.
         *
         * @return the spec
         */
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
