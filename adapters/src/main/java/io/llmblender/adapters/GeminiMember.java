package io.llmblender.adapters;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.googleai.GoogleAiGeminiChatModel;
import java.time.Duration;

/** A {@code gemini} member; the only class that touches langchain4j-google-ai-gemini. */
final class GeminiMember {
    private GeminiMember() {}

    static ChatModel build(MemberSpec s, String key, Duration timeout) {
        GoogleAiGeminiChatModel.GoogleAiGeminiChatModelBuilder b = GoogleAiGeminiChatModel.builder()
                .modelName(s.model())
                .apiKey(key)
                .maxRetries(0)
                .timeout(timeout)
                .httpClientBuilder(Members.http(timeout))
                .temperature(s.temperature())
                .maxOutputTokens(s.maxTokens());
        if (s.baseUrl() != null) {
            b.baseUrl(s.baseUrl());
        }
        return b.build();
    }
}
