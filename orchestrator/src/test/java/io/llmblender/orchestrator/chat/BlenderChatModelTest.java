package io.llmblender.orchestrator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.V;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.orchestrator.Trace;
import io.llmblender.ranker.Conversations;
import io.llmblender.ranker.Item;
import io.llmblender.ranker.PairRanker;
import io.llmblender.ranker.Ranker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.assertj.core.data.Offset;
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
                // AiServices, untouched (typed as a ChatModel: the class is also a StreamingChatModel)
                ChatModel chatModel = model;
                Assistant assistant = AiServices.create(Assistant.class, chatModel);
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

    @Test
    void a_three_turn_chat_is_ranked_as_conversations_with_pairrm_s_own_verdict() throws Exception {
        // given the fixture's three-turn HH-RLHF conversation pair (conversation_cases "conv_2turn_and_3turn",
        // pair 1): the same two user turns and answers, then two different answers to the third user turn
        Path fixture = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
                .toAbsolutePath()
                .normalize();
        JsonNode pair = new ObjectMapper()
                .readTree(fixture.resolve("cases.json").toFile())
                .get("conversation_cases")
                .get(0);
        JsonNode a = pair.get("conversations_a").get(1);
        JsonNode b = pair.get("conversations_b").get(1);
        List<ChatMessage> chat = new ArrayList<>();
        for (int t = 0; t < 5; t++) { // user, assistant, user, assistant, user
            String text = a.get(t).get("content").asText();
            chat.add(t % 2 == 0 ? UserMessage.from(text) : AiMessage.from(text));
        }
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess();
                PairRanker pairRm = PairRanker.load(fixture)) {
            providers.answer("a", a.get(5).get("content").asText());
            providers.answer("b", b.get(5).get("content").asText());
            try (Blender blender = Blender.builder()
                    .ranker(pairRm)
                    .guard(GuardConfig.defaults().withTimeout(Duration.ofSeconds(60)))
                    .member("a", providers.model("a"))
                    .member("b", providers.model("b"))
                    .build()) {
                ChatResponse r = new BlenderChatModel(blender).chat(chat);
                // then the scores are the reference's compare_conversations logits for that pair:
                // max_logits over two candidates gives score(a) = (f(a,b) − f(b,a)) / 2 = −score(b)
                double expected = pair.get("original_batched")
                                .get("[A,B]+[B,A]")
                                .get("logits")
                                .get(1)
                                .asDouble()
                        / 2;
                Trace trace = ((BlenderResponseMetadata) r.metadata()).trace();
                assertThat((double) trace.scores().get("a")).isCloseTo(expected, Offset.offset(1e-5));
                assertThat((double) trace.scores().get("b")).isCloseTo(-expected, Offset.offset(1e-5));
                assertThat(trace.chosen()).contains("b"); // the fixture's result: conversation B is better
                assertThat(r.aiMessage().text())
                        .isEqualTo(b.get(5).get("content").asText());
            }
        }
    }
}
