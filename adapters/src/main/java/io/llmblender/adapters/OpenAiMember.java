package io.llmblender.adapters;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.time.Duration;

/** An {@code openai} or {@code openai-compatible} member; the only class that touches langchain4j-open-ai. */
final class OpenAiMember {
    private OpenAiMember() {}

    static ChatModel build(MemberSpec s, String key, Duration timeout) {
        OpenAiChatModel.OpenAiChatModelBuilder b = OpenAiChatModel.builder()
                .modelName(s.model())
                .apiKey(key)
                .maxRetries(0)
                .timeout(timeout)
                .httpClientBuilder(Members.http(timeout))
                .temperature(s.temperature())
                .maxTokens(s.maxTokens());
        if (s.baseUrl() != null) {
            b.baseUrl(s.baseUrl());
        }
        return b.build();
    }
}
