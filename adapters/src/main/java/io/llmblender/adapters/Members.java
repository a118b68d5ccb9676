package io.llmblender.adapters;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmblender.adapters.http.RetryAfterHttpClient;
import io.llmblender.adapters.replay.ReplayChatModel;
import io.llmblender.runtime.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds member {@link ChatModel}s from their {@link MemberSpec}s through the langchain4j provider modules.
 * Provider-side retries are off ({@code maxRetries(0)}): the member's guard does the retrying, so a retry is
 * never doubled. The HTTP timeout matches the guard's time limit, so an abandoned call also ends on the wire.
 */
public final class Members {
    private Members() {}

    /**
     * @param env where API keys are read ({@code System.getenv()} in production)
     * @param configFile named in errors
     */
    public static ChatModel build(MemberSpec s, Map<String, String> env, Path configFile) {
        Duration timeout = s.guard().timeout();
        String key = s.apiKeyEnv() == null ? null : env.get(s.apiKeyEnv());
        String field = "members." + s.name();
        switch (s.provider()) {
            case "openai", "openai-compatible" -> {
                if (s.provider().equals("openai") && key == null) {
                    throw new ConfigException(
                            configFile,
                            field + ".api_key_env",
                            (s.apiKeyEnv() == null
                                            ? "is missing; provider openai needs a key: export it and name the"
                                                    + " variable here, e.g. \"api_key_env\": \"OPENAI_API_KEY\""
                                            : "names " + s.apiKeyEnv() + ", which is not set; export it")
                                    + ", or use provider openai-compatible for a keyless server");
                }
                OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                        .modelName(s.model())
                        .apiKey(key)
                        .maxRetries(0)
                        .timeout(timeout)
                        .httpClientBuilder(http(timeout))
                        .temperature(s.temperature())
                        .maxTokens(s.maxTokens());
                if (s.baseUrl() != null) {
                    b.baseUrl(s.baseUrl());
                }
                return b.build();
            }
            case "ollama" -> {
                return OllamaChatModel.builder()
                        .baseUrl(s.baseUrl() == null ? "http://127.0.0.1:11434" : s.baseUrl())
                        .modelName(s.model())
                        .maxRetries(0)
                        .timeout(timeout)
                        .httpClientBuilder(http(timeout))
                        .temperature(s.temperature())
                        .numPredict(s.maxTokens())
                        .build();
            }
            case "anthropic" -> {
                AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                        .modelName(s.model())
                        .apiKey(require(key, s, configFile))
                        .maxRetries(0)
                        .timeout(timeout)
                        .httpClientBuilder(http(timeout))
                        .temperature(s.temperature())
                        .maxTokens(s.maxTokens() == null ? 1024 : s.maxTokens());
                if (s.baseUrl() != null) {
                    b.baseUrl(s.baseUrl());
                }
                return b.build();
            }
            case "gemini" -> {
                GoogleAiGeminiChatModel.GoogleAiGeminiChatModelBuilder b = GoogleAiGeminiChatModel.builder()
                        .modelName(s.model())
                        .apiKey(require(key, s, configFile))
                        .maxRetries(0)
                        .timeout(timeout)
                        .httpClientBuilder(http(timeout))
                        .temperature(s.temperature())
                        .maxOutputTokens(s.maxTokens());
                if (s.baseUrl() != null) {
                    b.baseUrl(s.baseUrl());
                }
                return b.build();
            }
            case "replay" -> {
                Path base = configFile == null || configFile.getParent() == null ? Path.of("") : configFile.getParent();
                return s.replayQuestions() == null
                        ? ReplayChatModel.fromJsonl(s.name(), base.resolve(s.replayAnswers()))
                        : ReplayChatModel.fromMtBench(
                                base.resolve(s.replayQuestions()), base.resolve(s.replayAnswers()));
            }
            default ->
                throw new ConfigException(
                        configFile,
                        field + ".provider",
                        "is '" + s.provider() + "'; use one of"
                                + " openai, openai-compatible, ollama, anthropic, gemini, replay");
        }
    }

    private static String require(String key, MemberSpec s, Path configFile) {
        if (key == null) {
            throw new ConfigException(
                    configFile,
                    "members." + s.name() + ".api_key_env",
                    s.apiKeyEnv() == null
                            ? "is missing; " + s.provider() + " needs an API key, named by an environment variable"
                            : "names " + s.apiKeyEnv() + ", which is not set; export it before running");
        }
        return key;
    }

    /** HTTP/1.1 with the member's time limit, keeping Retry-After for the guard's retry. */
    private static RetryAfterHttpClient.Builder http(Duration timeout) {
        return RetryAfterHttpClient.builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(timeout);
    }
}
