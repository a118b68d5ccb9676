package io.llmblender.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Members built from configuration talk to a real loopback server in each provider's own wire protocol:
 * OpenAI chat completions, Ollama {@code /api/chat} and Anthropic messages.
 */
class ProviderWireTest {
    HttpServer server;
    String base;
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    final List<Map<String, List<String>>> headers = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            paths.add(path);
            bodies.add(new ObjectMapper().readTree(ex.getRequestBody()));
            headers.add(Map.copyOf(ex.getRequestHeaders()));
            String body;
            if (path.endsWith("/chat/completions")) {
                body =
                        "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                                + "\"message\":{\"role\":\"assistant\",\"content\":\"from openai\"},\"finish_reason\":\"stop\"}],"
                                + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":4,\"total_tokens\":9}}";
            } else if (path.equals("/api/chat")) {
                body =
                        "{\"model\":\"mistral\",\"created_at\":\"2026-11-28T00:00:00Z\",\"message\":{\"role\":\"assistant\","
                                + "\"content\":\"from ollama\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":7,\"eval_count\":3}";
            } else if (path.endsWith(":generateContent")) {
                body = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"from gemini\"}],\"role\":\"model\"},"
                        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":4,"
                        + "\"candidatesTokenCount\":2,\"totalTokenCount\":6}}";
            } else if (path.endsWith("/messages")) {
                body =
                        "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\",\"content\":[{\"type\":"
                                + "\"text\",\"text\":\"from anthropic\"}],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":6,"
                                + "\"output_tokens\":2}}";
            } else {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    static MemberSpec spec(String name, String provider, String model, String baseUrl, String keyEnv) {
        return MemberSpec.builder()
                .name(name)
                .provider(provider)
                .model(model)
                .baseUrl(baseUrl)
                .apiKeyEnv(keyEnv)
                .temperature(0.2)
                .maxTokens(64)
                .build();
    }

    @Test
    void an_openai_compatible_member_posts_chat_completions() {
        ChatModel m = Members.build(
                spec("local", "openai-compatible", "llama3", base + "/v1", null), Map.of(), Path.of("c.json"));
        ChatResponse r = m.chat(dev.langchain4j.data.message.UserMessage.from("hi"));
        assertThat(r.aiMessage().text()).isEqualTo("from openai");
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(4);
        assertThat(paths).containsExactly("/v1/chat/completions");
        assertThat(bodies.get(0).get("model").asText()).isEqualTo("llama3");
        assertThat(bodies.get(0).get("temperature").asDouble()).isEqualTo(0.2);
    }

    @Test
    void an_ollama_member_posts_api_chat_without_streaming() {
        ChatModel m = Members.build(spec("mistral", "ollama", "mistral", base, null), Map.of(), Path.of("c.json"));
        ChatResponse r = m.chat(dev.langchain4j.data.message.UserMessage.from("hi"));
        assertThat(r.aiMessage().text()).isEqualTo("from ollama");
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(7);
        assertThat(paths).containsExactly("/api/chat");
        assertThat(bodies.get(0).get("stream").asBoolean()).isFalse();
        assertThat(bodies.get(0).get("messages").get(0).get("content").asText()).isEqualTo("hi");
    }

    @Test
    void a_gemini_member_posts_generate_content_with_its_key() {
        ChatModel m = Members.build(
                spec("gemini", "gemini", "gemini-1.5-flash", base + "/v1beta", "GEMINI_KEY"),
                Map.of("GEMINI_KEY", "g-test"),
                Path.of("c.json"));
        ChatResponse r = m.chat(dev.langchain4j.data.message.UserMessage.from("hi"));
        assertThat(r.aiMessage().text()).isEqualTo("from gemini");
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(2);
        assertThat(paths).containsExactly("/v1beta/models/gemini-1.5-flash:generateContent");
        assertThat(bodies.get(0)
                        .get("contents")
                        .get(0)
                        .get("parts")
                        .get(0)
                        .get("text")
                        .asText())
                .isEqualTo("hi");
    }

    @Test
    void an_anthropic_member_posts_messages_with_its_key_from_the_environment() {
        ChatModel m = Members.build(
                spec("claude", "anthropic", "claude-3-5-haiku", base + "/v1/", "MY_ANTHROPIC_KEY"),
                Map.of("MY_ANTHROPIC_KEY", "sk-test"),
                Path.of("c.json"));
        ChatResponse r = m.chat(dev.langchain4j.data.message.UserMessage.from("hi"));
        assertThat(r.aiMessage().text()).isEqualTo("from anthropic");
        assertThat(paths).containsExactly("/v1/messages");
        assertThat(headers.get(0).get("X-api-key")).containsExactly("sk-test");
        assertThat(bodies.get(0).get("max_tokens").asInt()).isEqualTo(64);
    }
}
