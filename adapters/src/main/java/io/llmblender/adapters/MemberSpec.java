package io.llmblender.adapters;

import io.llmblender.adapters.guard.GuardConfig;

/**
 * One ensemble member as the configuration file describes it.
 *
 * @param provider {@code openai}, {@code openai-compatible}, {@code ollama}, {@code anthropic}, {@code gemini} or
 *     {@code replay}
 * @param baseUrl the server for {@code openai-compatible} and {@code ollama} (optional for the others)
 * @param apiKeyEnv the environment variable holding the key; the key itself never sits in the file
 * @param replayQuestions for {@code replay}: MT-bench's question.jsonl, or null for a prompt/answer JSONL
 * @param replayAnswers for {@code replay}: the model's answers
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
        GuardConfig guard) {}
