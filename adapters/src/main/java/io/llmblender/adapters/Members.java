package io.llmblender.adapters;

import dev.langchain4j.model.chat.ChatModel;
import io.llmblender.adapters.http.RetryAfterHttpClient;
import io.llmblender.adapters.replay.ReplayChatModel;
import io.llmblender.runtime.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Builds member {@link ChatModel}s from their {@link MemberSpec}s through the langchain4j provider modules.
 * Each provider's module is an opt-in dependency: {@code openai} and {@code openai-compatible} need
 * {@code dev.langchain4j:langchain4j-open-ai}, {@code ollama} {@code langchain4j-ollama}, {@code anthropic}
 * {@code langchain4j-anthropic}, {@code gemini} {@code langchain4j-google-ai-gemini} (versions from
 * {@code io.llmblender:llm-blender-bom}); a member whose module is missing is refused with the artifact to add.
 * Provider-side retries are off ({@code maxRetries(0)}): the member's guard does the retrying, so a retry is
 * never doubled. The HTTP timeout matches the guard's time limit, so an abandoned call also ends on the wire.
 */
public final class Members {
    private Members() {}

    /**
     * The chat model {@code s} describes, built with its provider's langchain4j module (found on the classpath).
     *
     * @param s the member's configuration
     * @param env where API keys are read ({@code System.getenv()} in production)
     * @param configFile named in errors
     * @return the member as a langchain4j chat model, with its provider retries off and its HTTP timeout set to the
     *     guard's time limit (the guard itself is added by the {@code Blender})
     * @throws ConfigException if a key is missing, the provider is unknown, or its langchain4j module is not on
     *     the classpath (the message names the artifact to add)
     */
    public static ChatModel build(MemberSpec s, Map<String, String> env, Path configFile) {
        ClassLoader providers = Members.class.getClassLoader();
        Duration timeout = s.guard().timeout();
        String key = s.apiKeyEnv() == null ? null : env.get(s.apiKeyEnv());
        String field = "members." + s.name();
        // each provider's classes are touched only past its module check, so a missing module is a clear error
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
                ProviderModule.OPENAI.require(s.provider(), providers, configFile, field + ".provider");
                return OpenAiMember.build(s, key, timeout);
            }
            case "ollama" -> {
                ProviderModule.OLLAMA.require(s.provider(), providers, configFile, field + ".provider");
                return OllamaMember.build(s, timeout);
            }
            case "anthropic" -> {
                ProviderModule.ANTHROPIC.require(s.provider(), providers, configFile, field + ".provider");
                return AnthropicMember.build(s, require(key, s, configFile), timeout);
            }
            case "gemini" -> {
                ProviderModule.GEMINI.require(s.provider(), providers, configFile, field + ".provider");
                return GeminiMember.build(s, require(key, s, configFile), timeout);
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
    static RetryAfterHttpClient.Builder http(Duration timeout) {
        return RetryAfterHttpClient.builder()
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(timeout);
    }
}
