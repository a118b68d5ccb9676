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

    public static void main(String[] args) {
        String question = args.length > 0 ? args[0] : "What is the capital of France?";
        System.out.println(
                ask("https://api.openai.com/v1", System.getenv("OPENAI_API_KEY"), "llm-blender/PairRM-hf", question));
    }
}
