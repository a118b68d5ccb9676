package io.llmblender.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's library snippet, run as written by a consumer of the artifacts: two OpenAI members served by a real
 * loopback server speaking OpenAI's chat-completions protocol, PairRM from the end-to-end fixture folder.
 */
class EnsembleAssistantTest {
    static final Path PAIRRM = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize();
    static final Path SOURCE = Path.of("src/main/java/io/llmblender/examples/EnsembleAssistant.java");

    /** Answers each model with its scripted text; records the request bodies and authorisation headers. */
    static HttpServer openAi(Map<String, String> answers, List<String> bodies, List<String> keys) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            keys.add(ex.getRequestHeaders().getFirst("Authorization"));
            Matcher model = Pattern.compile("\"model\"\\s*:\\s*\"([^\"]+)\"").matcher(body);
            String answer = model.find() ? answers.get(model.group(1)) : null;
            byte[] reply = (answer == null
                            ? "{\"error\":{\"message\":\"unknown model\",\"type\":\"invalid_request_error\"}}"
                            : "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                                    + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
                                    + answer + "\"},\"finish_reason\":\"stop\"}],"
                                    + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(answer == null ? 404 : 200, reply.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(reply);
            }
        });
        server.start();
        return server;
    }

    @Test
    void the_readme_snippet_answers_with_the_member_pairrm_prefers() throws IOException {
        // given two members answering the fixture's readme_compare pair: for "hello!", PairRM (the reference, on the
        // fixture's random weights) prefers "f**k off!" to "hi!" ([A,B]+[B,A] logit -0.23314953)
        List<String> bodies = new CopyOnWriteArrayList<>();
        List<String> keys = new CopyOnWriteArrayList<>();
        HttpServer server = openAi(Map.of("gpt-4o-mini", "hi!", "gpt-4.1-mini", "f**k off!"), bodies, keys);
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            // when
            String answer = EnsembleAssistant.ask(base, "test-key", PAIRRM.toString(), "hello!");
            // then the second member's answer, chosen by PairRM, not the first to be listed
            assertThat(answer).isEqualTo("f**k off!");
            assertThat(bodies)
                    .hasSize(2)
                    .allSatisfy(b -> assertThat(b).containsPattern("\"content\"\\s*:\\s*\"hello!\""));
            assertThat(keys).containsOnly("Bearer test-key");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void the_readme_shows_this_file_with_its_imports() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        int section = readme.indexOf("## Use it as a library");
        assertThat(section).as("the README's library section").isPositive();
        Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(block.find(section))
                .as("a java block in the library section")
                .isTrue();
        String source = Files.readString(SOURCE).replaceFirst("package [^;]+;\n\n", "");
        assertThat(block.group(1)).isEqualTo(source);
    }
}
