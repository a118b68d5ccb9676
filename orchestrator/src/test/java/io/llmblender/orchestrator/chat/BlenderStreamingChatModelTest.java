package io.llmblender.orchestrator.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.llmblender.adapters.guard.GuardConfig;
import io.llmblender.fuser.chat.ChatModelFuser;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.BlenderBuilder;
import io.llmblender.orchestrator.EnsembleException;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.orchestrator.TestRankers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link BlenderChatModel} as a langchain4j {@code StreamingChatModel}: members and the fuser are langchain4j's own
 * OpenAI models against a real loopback server; the fuser streams through OpenAI's server-sent chunks.
 */
class BlenderStreamingChatModelTest {
    static final GuardConfig GUARD = GuardConfig.defaults().withTimeout(Duration.ofSeconds(60));

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    /** Records every callback; {@code done} completes with the response or the error. */
    static final class Recorder implements StreamingChatResponseHandler {
        final List<String> partials = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

        @Override
        public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            partials.add(partial.text());
            threads.add(Thread.currentThread().getName());
        }

        @Override
        public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
        }

        @Override
        public void onError(Throwable error) {
            done.completeExceptionally(error);
        }

        Throwable error() throws Exception {
            try {
                done.get(30, TimeUnit.SECONDS);
                throw new AssertionError("expected onError, got onCompleteResponse");
            } catch (ExecutionException e) {
                return e.getCause();
            }
        }
    }

    static BlenderBuilder twoMembers(OpenAiLoopbackAccess providers) {
        providers.answer("short", "Paris.");
        providers.answer("long", "The capital of France is Paris.");
        return Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .guard(GUARD)
                .member("short", providers.model("short"))
                .member("long", providers.model("long"));
    }

    /** A chat fuser whose model streams {@code pieces} through OpenAI's server-sent chunks. */
    static ChatModelFuser streamingFuser(OpenAiLoopbackAccess providers, String... pieces) {
        providers.stream("fuser", pieces);
        return new ChatModelFuser(providers.model("fuser")).withStreaming(providers.streamingModel("fuser"));
    }

    @Test
    void ai_services_token_stream_receives_the_fusion_piece_by_piece() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess()) {
            ChatModelFuser fuser = streamingFuser(providers, "Paris", " is", " the capital.");
            try (Blender blender = twoMembers(providers).fuser(fuser).topK(2).build()) {
                StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
                        .streamingChatModel(new BlenderChatModel(blender))
                        .build();
                List<String> partials = new CopyOnWriteArrayList<>();
                CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                assistant
                        .chat("What is the capital of France?")
                        .onPartialResponse(partials::add)
                        .onCompleteResponse(done::complete)
                        .onError(done::completeExceptionally)
                        .start();
                ChatResponse response = done.get(30, TimeUnit.SECONDS);
                // the fuser's own chunks, as its server sent them, then the whole text
                assertThat(partials).containsExactly("Paris", " is", " the capital.");
                assertThat(response.aiMessage().text()).isEqualTo("Paris is the capital.");
            }
        }
    }

    @Test
    void a_chosen_answer_streams_once_ranked_and_the_complete_response_carries_the_trace() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess();
                Blender blender = twoMembers(providers).build()) {
            Recorder handler = new Recorder();
            new BlenderChatModel(blender)
                    .chat(
                            ChatRequest.builder()
                                    .messages(UserMessage.from("What is the capital of France?"))
                                    .build(),
                            handler);
            ChatResponse response = handler.done.get(30, TimeUnit.SECONDS);
            assertThat(handler.partials).containsExactly("The capital of France is Paris.");
            assertThat(handler.threads).containsOnly("blender-stream"); // the call returned; the blend ran apart
            assertThat(response.aiMessage().text()).isEqualTo("The capital of France is Paris.");
            assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
            assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(20); // both members' usage
            assertThat(response.metadata())
                    .isInstanceOfSatisfying(
                            BlenderResponseMetadata.class,
                            m -> assertThat(m.trace().chosen()).contains("long"));
        }
    }

    @Test
    void failures_reach_on_error_a_request_without_user_text_before_any_member_is_called() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess()) {
            providers.fail("a", 401);
            providers.fail("b", 401);
            try (Blender blender = Blender.builder()
                    .ranker(TestRankers.BY_LENGTH)
                    .guard(GUARD)
                    .member("a", providers.model("a"))
                    .member("b", providers.model("b"))
                    .build()) {
                BlenderChatModel model = new BlenderChatModel(blender);
                Recorder noUserText = new Recorder();
                model.chat(
                        ChatRequest.builder()
                                .messages(SystemMessage.from("Be brief."))
                                .build(),
                        noUserText);
                assertThat(noUserText.error())
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("no user message with text");
                assertThat(providers.calls("a")).isZero();

                Recorder nobodyAnswered = new Recorder();
                model.chat(
                        ChatRequest.builder().messages(UserMessage.from("hi")).build(), nobodyAnswered);
                assertThat(nobodyAnswered.error())
                        .isInstanceOf(EnsembleException.class)
                        .hasMessageContaining("no member answered");
                assertThat(nobodyAnswered.partials).isEmpty();
            }
        }
    }

    @Test
    void cancelling_through_the_streaming_handle_ends_the_callbacks() throws Exception {
        try (OpenAiLoopbackAccess providers = new OpenAiLoopbackAccess()) {
            ChatModelFuser fuser = streamingFuser(providers, "Paris", " is", " the capital.");
            List<Thread> workers = new CopyOnWriteArrayList<>();
            Executor recorded = task -> {
                Thread t = new Thread(task, "test-stream");
                workers.add(t);
                t.start();
            };
            List<String> events = new CopyOnWriteArrayList<>();
            try (Blender blender = twoMembers(providers).fuser(fuser).topK(2).build()) {
                new BlenderChatModel(blender, recorded)
                        .chat(
                                ChatRequest.builder()
                                        .messages(UserMessage.from("What is the capital of France?"))
                                        .build(),
                                new StreamingChatResponseHandler() {
                                    @Override
                                    public void onPartialResponse(PartialResponse p, PartialResponseContext context) {
                                        events.add("partial " + p.text());
                                        context.streamingHandle().cancel();
                                        assertThat(context.streamingHandle().isCancelled())
                                                .isTrue();
                                    }

                                    @Override
                                    public void onCompleteResponse(ChatResponse response) {
                                        events.add("complete");
                                    }

                                    @Override
                                    public void onError(Throwable error) {
                                        events.add("error " + error);
                                    }
                                });
                assertThat(workers).hasSize(1);
                workers.get(0).join(); // the blend is over: whatever it would have sent, it has sent
            }
            assertThat(events).containsExactly("partial Paris");
        }
    }
}
