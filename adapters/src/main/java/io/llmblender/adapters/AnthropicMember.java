package io.llmblender.adapters;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import java.time.Duration;

/** An {@code anthropic} member; the only class that touches langchain4j-anthropic. */
final class AnthropicMember {
    private AnthropicMember() {}

    static ChatModel build(MemberSpec s, String key, Duration timeout) {
        AnthropicChatModel.AnthropicChatModelBuilder b = AnthropicChatModel.builder()
                .modelName(s.model())
                .apiKey(key)
                .maxRetries(0)
                .timeout(timeout)
                .httpClientBuilder(Members.http(timeout))
                .temperature(s.temperature())
                .maxTokens(s.maxTokens() == null ? 1024 : s.maxTokens()); // Anthropic requires a limit
        if (s.baseUrl() != null) {
            b.baseUrl(s.baseUrl());
        }
        return b.build();
    }
}
