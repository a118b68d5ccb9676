package io.llmblender.orchestrator.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.llmblender.orchestrator.Blender;
import io.llmblender.orchestrator.OpenAiLoopbackAccess;
import io.llmblender.orchestrator.TestRankers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat-completions surface as OpenAI's SDKs use it (issue 15 item 2), each field through langchain4j's OpenAI
 * client where it can send it and through a raw JDK client: text parts, {@code n}, the refused fields,
 * {@code stream_options.include_usage}, {@code GET /v1/models/{id}}, and {@code seed}/{@code stop} reaching the
 * members. Members are real OpenAI-protocol servers on loopback; the ranker prefers longer answers.
 */
class ChatSurfaceTest {
    static final String LONG = "The capital of France is Paris.";
    static final String MID = "Paris, in France.";
    static final String SHORT = "Paris.";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient RAW =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static OpenAiLoopbackAccess members;
    static Blender blender;
    static BlenderServer server;
    static String base;

    @BeforeAll
    static void start() throws Exception {
        members = new OpenAiLoopbackAccess();
        members.answer("short", SHORT);
        members.answer("mid", MID);
        members.answer("long", LONG);
        blender = Blender.builder()
                .ranker(TestRankers.BY_LENGTH)
                .member("short", members.model("short"))
                .member("mid", members.model("mid"))
                .member("long", members.model("long"))
                .build();
        server = BlenderServer.builder().blender(blender).port(0).start();
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stop() {
        server.close();
        blender.close();
        members.close();
    }

    static JdkHttpClientBuilder http() {
        return JdkHttpClient.builder().httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1));
    }

    static OpenAiChatModel.OpenAiChatModelBuilder client() {
        return OpenAiChatModel.builder()
                .baseUrl(base + "/v1")
                .modelName("blender")
                .apiKey("unused")
                .maxRetries(0)
                .httpClientBuilder(http());
    }

    static HttpResponse<String> post(String fields) throws Exception {
        String body = "{\"model\":\"blender\"," + fields + "}";
        return RAW.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]";

    /** The requests the members received for the last ensemble call, one per member. */
    static List<JsonNode> lastMemberRequests() {
        List<JsonNode> all = members.requests();
        return all.subList(all.size() - 3, all.size());
    }

    /** The data lines of a server-sent-events body, as JSON, without the final [DONE]. */
    static List<JsonNode> events(String body) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                events.add(JSON.readTree(line.substring("data: ".length())));
            }
        }
        assertThat(body).endsWith("data: [DONE]\n\n");
        return events;
    }

    @Test
    void text_parts_are_joined_and_reach_the_members_as_text() throws Exception {
        ChatResponse r = client().build()
                .chat(ChatRequest.builder()
                        .messages(UserMessage.from(
                                TextContent.from("What is the capital"), TextContent.from("of France?")))
                        .build());
        assertThat(r.aiMessage().text()).isEqualTo(LONG);
        for (JsonNode sent : lastMemberRequests()) {
            assertThat(sent.at("/messages/0/content").asText()).isEqualTo("What is the capital\nof France?");
        }
        HttpResponse<String> raw = post(
                "\"messages\":[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
                        + "\"text\":\"Be brief.\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Capital?\"}]}]");
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(lastMemberRequests().get(0).at("/messages/0/content").asText())
                .isEqualTo("Be brief.");
    }

    @Test
    void image_and_audio_parts_are_refused_with_what_to_send_instead() throws Exception {
        assertThatThrownBy(() -> client().build()
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from(
                                        TextContent.from("What is this?"), ImageContent.from("https://x.test/a.png")))
                                .build()))
                .hasMessageContaining("'messages[0].content[1]' is a 'image_url' part")
                .hasMessageContaining("text only");
        HttpResponse<String> raw = post("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\","
                + "\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]");
        assertThat(raw.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(raw.body()).at("/error/message").asText())
                .contains("'input_audio' part")
                .contains("transcribe audio first");
    }

    @Test
    void n_gives_the_ensembles_answer_then_the_other_members_by_rank_or_is_refused_past_the_members() throws Exception {
        JsonNode r = JSON.readTree(post(ASK + ",\"n\":3").body());
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < r.get("choices").size(); i++) {
            assertThat(r.at("/choices/" + i + "/index").asInt()).isEqualTo(i);
            texts.add(r.at("/choices/" + i + "/message/content").asText());
        }
        assertThat(texts).containsExactly(LONG, MID, SHORT);

        List<JsonNode> streamed = events(post(ASK + ",\"n\":2,\"stream\":true").body());
        StringBuilder first = new StringBuilder();
        List<String> second = new ArrayList<>();
        for (JsonNode e : streamed) {
            JsonNode c = e.at("/choices/0");
            String piece = c.at("/delta/content").asText("");
            if (c.get("index").asInt() == 0) {
                first.append(piece);
            } else if (!piece.isEmpty()) {
                second.add(piece);
            }
        }
        assertThat(first.toString()).isEqualTo(LONG);
        assertThat(second).containsExactly(MID);

        HttpResponse<String> tooMany = post(ASK + ",\"n\":4");
        assertThat(tooMany.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooMany.body()).at("/error/message").asText())
                .isEqualTo("'n' is 4, but this ensemble has 3 member(s); each choice is a different member's answer"
                        + " (the first is the ensemble's), so ask for at most 3");
    }

    @Test
    void tools_and_json_formats_are_refused_with_why_and_their_neutral_values_accepted() throws Exception {
        int before = members.requests().size();
        assertThatThrownBy(() -> client().build()
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from("What is the weather in Paris?"))
                                .toolSpecifications(ToolSpecification.builder()
                                        .name("weather")
                                        .description("the weather in a city")
                                        .build())
                                .build()))
                .hasMessageContaining("'tools' is not supported by this server")
                .hasMessageContaining("a tool call has no text to rank or fuse");
        assertThatThrownBy(() -> client().build()
                        .chat(ChatRequest.builder()
                                .messages(UserMessage.from("Answer in JSON: the capital of France?"))
                                .responseFormat(ResponseFormat.JSON)
                                .build()))
                .hasMessageContaining("'response_format' is not supported by this server")
                .hasMessageContaining("'json_object'");
        for (String[] c : new String[][] {
            {",\"tool_choice\":\"required\"", "'tool_choice' is not supported"},
            {",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}", "'json_schema'"},
            {",\"logprobs\":true", "'logprobs' is not supported"},
            {",\"logit_bias\":{\"50256\":-100}", "'logit_bias' is not supported"},
            {",\"modalities\":[\"text\",\"audio\"]", "'audio' is not supported"},
            {",\"stream_options\":{\"include_usage\":true}", "'stream_options' is only allowed when 'stream' is true"},
            {",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "'stop' must be a string or an array of at most 4"},
            {",\"seed\":1.5", "'seed' is 1.5; it must be an integer"},
        }) {
            HttpResponse<String> r = post(ASK + c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains(c[1]);
        }
        assertThat(members.requests()).as("no refused request reached a member").hasSize(before);
        String neutral = ",\"tools\":[],\"tool_choice\":\"none\",\"response_format\":{\"type\":\"text\"},"
                + "\"logprobs\":false,\"user\":\"u-1\"";
        assertThat(post(ASK + neutral).statusCode()).isEqualTo(200);
    }

    @Test
    void a_stream_with_include_usage_ends_with_the_members_usage() throws Exception {
        List<JsonNode> events = events(post(ASK + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}")
                .body());
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.get("choices")).isEmpty();
        // three members, each reporting 10 prompt and 5 completion tokens (OpenAiLoopback's canned usage)
        assertThat(last.at("/usage/prompt_tokens").asInt()).isEqualTo(30);
        assertThat(last.at("/usage/completion_tokens").asInt()).isEqualTo(15);
        assertThat(last.at("/usage/total_tokens").asInt()).isEqualTo(45);
        assertThat(events.subList(0, events.size() - 1)).allMatch(e -> !e.has("usage"));
        assertThat(events(post(ASK + ",\"stream\":true").body())).allMatch(e -> !e.has("usage"));

        OpenAiStreamingChatModel streaming = OpenAiStreamingChatModel.builder()
                .baseUrl(base + "/v1")
                .modelName("blender")
                .apiKey("unused")
                .httpClientBuilder(http())
                .build();
        ChatResponse r = BlenderServerTest.stream(streaming, "What is the capital of France?", new ArrayList<>());
        assertThat(r.aiMessage().text()).isEqualTo(LONG);
        assertThat(r.tokenUsage().totalTokenCount()).isEqualTo(45);
    }

    @Test
    void one_model_is_found_by_its_id_and_another_id_gets_openais_404() throws Exception {
        HttpResponse<String> found = RAW.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/models/blender")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(found.statusCode()).isEqualTo(200);
        JsonNode model = JSON.readTree(found.body());
        assertThat(model.get("id").asText()).isEqualTo("blender");
        assertThat(model.get("object").asText()).isEqualTo("model");
        HttpResponse<String> missing = RAW.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/models/gpt-4o")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void seed_stop_and_the_sampling_fields_reach_every_member() throws Exception {
        ChatResponse r = client().seed(42)
                .stop(List.of("END"))
                .frequencyPenalty(0.5)
                .build()
                .chat(UserMessage.from("What is the capital of France?"));
        assertThat(r.aiMessage().text()).isEqualTo(LONG);
        for (JsonNode sent : lastMemberRequests()) {
            assertThat(sent.get("seed").asInt()).isEqualTo(42);
            assertThat(sent.get("stop").get(0).asText()).isEqualTo("END");
            assertThat(sent.get("frequency_penalty").asDouble()).isEqualTo(0.5);
        }
        assertThat(post(ASK + ",\"seed\":7,\"stop\":\"\\n\\n\",\"presence_penalty\":-1,\"top_p\":0.9")
                        .statusCode())
                .isEqualTo(200);
        for (JsonNode sent : lastMemberRequests()) {
            assertThat(sent.get("seed").asInt()).isEqualTo(7);
            assertThat(sent.get("stop").get(0).asText()).isEqualTo("\n\n");
            assertThat(sent.get("presence_penalty").asDouble()).isEqualTo(-1);
            assertThat(sent.get("top_p").asDouble()).isEqualTo(0.9);
        }
    }
}
