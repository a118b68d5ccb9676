package io.llmblender.adapters;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import java.time.Duration;

/** An {@code ollama} member; the only class that touches langchain4j-ollama. */
final class OllamaMember {
    private OllamaMember() {}

    static ChatModel build(MemberSpec s, Duration timeout) {
        return OllamaChatModel.builder()
                .baseUrl(s.baseUrl() == null ? "http://127.0.0.1:11434" : s.baseUrl())
                .modelName(s.model())
                .maxRetries(0)
                .timeout(timeout)
                .httpClientBuilder(Members.http(timeout))
                .temperature(s.temperature())
                .numPredict(s.maxTokens())
                .build();
    }
}
