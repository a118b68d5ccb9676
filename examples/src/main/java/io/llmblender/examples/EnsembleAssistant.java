package io.llmblender.examples;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.chat.BlenderChatModel;
import io.llmblender.ranker.PairRanker;

/** Two OpenAI models behind one langchain4j ChatModel, PairRM choosing the better answer. */
public final class EnsembleAssistant {
    interface Assistant {
        String chat(String question);
    }

    static ChatModel openAi(String baseUrl, String apiKey, String modelName) {
        return OpenAiChatModel.builder()
                .baseUrl(baseUrl)
                .apiKey(apiKey)
                .modelName(modelName)
                .maxRetries(0) // the ensemble's guard retries; provider retries would multiply them
                .build();
    }

    /**
     * Asks {@code question} of a langchain4j AI service backed by the ensemble: both members answer, PairRM picks the
     * better answer, which is returned.
     *
     * @param baseUrl the OpenAI-protocol endpoint both members call, e.g. {@code https://api.openai.com/v1}
     * @param apiKey the endpoint's API key
     * @param pairRm a PairRM folder or hub id, e.g. {@code llm-blender/PairRM-hf}
     * @param question the user's question
     * @return the chosen answer
     */
    public static String ask(String baseUrl, String apiKey, String pairRm, String question) {
        try (PairRanker ranker = PairRanker.load(pairRm); // a folder or a hub id, downloaded once
                Blender blender = Blender.builder()
                        .member("gpt-4o-mini", openAi(baseUrl, apiKey, "gpt-4o-mini"))
                        .member("gpt-4.1-mini", openAi(baseUrl, apiKey, "gpt-4.1-mini"))
                        .ranker(ranker)
                        .build()) {
            ChatModel model = new BlenderChatModel(blender); // wherever a ChatModel goes
            Assistant assistant = AiServices.create(Assistant.class, model);
            return assistant.chat(question);
        }
    }

    /**
     * Asks one question of the ensemble over OpenAI, with the key from {@code OPENAI_API_KEY}, and prints the answer.
     *
     * @param args optionally the question (default: the capital of France)
     */
    public static void main(String[] args) {
        String question = args.length > 0 ? args[0] : "What is the capital of France?";
        System.out.println(
                ask("https://api.openai.com/v1", System.getenv("OPENAI_API_KEY"), "llm-blender/PairRM-hf", question));
    }
}
