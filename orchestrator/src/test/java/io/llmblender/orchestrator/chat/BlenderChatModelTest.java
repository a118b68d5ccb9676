package io.llmblender.orchestrator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.V;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.ranker.Conversations;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.Ranker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The ensemble behind langchain4j's own API: a plain chat call and an unchanged {@code AiServices} interface. */
class BlenderChatModelTest {
    interface Assistant {
        @SystemMessage("You answer in one sentence.")
        @dev.langchain4j.service.UserMessage("What is the capital of {{country}}?")
        String capital(@V("country") String country);
    }

    @Test
    void ai_services_work_unchanged_over_the_ensemble_and_the_trace_rides_in_the_metadata() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess()) {
            providers.answer("short", "Paris.");
            providers.answer("long", "The capital of France is Paris.");
            Blender blender = Blender.builder()
                    .ranker(io.llmblender.orchestrator.TestRankers.BY_LENGTH)
                    .guard(GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)))
                    .member("short", providers.model("short"))
                    .member("long", providers.model("long"))
                    .build();
            try (blender) {
                BlenderChatModel model = new BlenderChatModel(blender);
                // AiServices, untouched
                Assistant assistant = AiServices.create(Assistant.class, model);
                assertThat(assistant.capital("France")).isEqualTo("The capital of France is Paris.");
                // every member received the system message and the rendered user message
                for (JsonNode request : providers.requests()) {
                    assertThat(request.get("messages").get(0).get("role").asText())
                            .isEqualTo("system");
                    assertThat(request.get("messages").get(0).get("content").asText())
                            .isEqualTo("You answer in one sentence.");
                    assertThat(request.get("messages").get(1).get("content").asText())
                            .isEqualTo("What is the capital of France?");
                }
                // request parameters travel to the members; usage is the members' sum; the trace is in the metadata
                ChatResponse r = model.chat(ChatRequest.builder()
                        .messages(UserMessage.from("What is the capital of France?"))
                        .temperature(0.3)
                        .maxOutputTokens(64)
                        .build());
                JsonNode last = providers.requests().get(providers.requests().size() - 1);
                assertThat(last.get("temperature").asDouble()).isEqualTo(0.3);
                assertThat(last.get("max_tokens").asInt()).isEqualTo(64);
                assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(20);
                assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(10);
                assertThat(r.metadata())
                        .isInstanceOfSatisfying(
                                BlenderResponseMetadata.class,
                                m -> assertThat(m.trace().chosen()).contains("long"));
                assertThat(model.provider()).isEqualTo(ModelProvider.OTHER);
                assertThat(model.supportedCapabilities()).isEmpty();
            }
        }
    }

    @Test
    void a_multi_turn_chat_reaches_the_ranker_as_one_conversation_per_member_answer() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess()) {
            providers.answer("a", "fine, thanks");
            providers.answer("b", "bad");
            List<Item> seen = new CopyOnWriteArrayList<>();
            Ranker recording = item -> {
                seen.add(item);
                return io.llmblender.orchestrator.TestRankers.BY_LENGTH.rank(item);
            };
            try (Blender blender = Blender.builder()
                    .ranker(recording)
                    .guard(GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)))
                    .member("a", providers.model("a"))
                    .member("b", providers.model("b"))
                    .build()) {
                ChatResponse r = new BlenderChatModel(blender)
                        .chat(UserMessage.from("hi"), AiMessage.from("hello!"), UserMessage.from("how are you?"));
                // the answer is the member's own text, not the conversation layout
                assertThat(r.aiMessage().text()).isEqualTo("fine, thanks");
            }
            // compare_conversations' layout (spec §2.8), written out by hand
            assertThat(seen).singleElement().satisfies(item -> {
                assertThat(item.instruction()).isEqualTo(Conversations.INSTRUCTION);
                assertThat(item.input())
                        .isEqualTo("USER: hi\nAssistant: <Response 1>\nUSER: how are you?\nAssistant: <Response 2>");
                assertThat(item.candidates())
                        .containsExactly(
                                "<Response 1>: hello!\n<Response 2>: fine, thanks",
                                "<Response 1>: hello!\n<Response 2>: bad");
            });
        }
    }
}
