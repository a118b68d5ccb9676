package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmblender.orchestrator.server.BlenderServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's server examples work as written (issue 15 item 1): every {@code curl} line of the "Serving the
 * ensemble over HTTP" section is read from the README itself and sent, with its headers and body, to the server
 * {@code ./blender serve} starts (the demo ensemble, here in-process on a free port instead of 8080); the Python
 * client snippet cannot run here (no PyPI), so its request, plain and streamed, is replayed with a JDK client.
 */
class ReadmeServerExamplesTest {
    static final Path README = Path.of("../README.md").toAbsolutePath().normalize();
    static final String SECTION = "## Serving the ensemble over HTTP";
    static final String README_ADDRESS = "http://127.0.0.1:8080";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static Ensembles demo;
    static BlenderServer server;
    static String section;

    @BeforeAll
    static void start() throws Exception {
        String readme = Files.readString(README);
        int from = readme.indexOf(SECTION);
        assertThat(from).as("the README has the section '%s'", SECTION).isNotNegative();
        int to = readme.indexOf("\n## ", from + SECTION.length());
        section = readme.substring(from, to < 0 ? readme.length() : to);
        demo = Ensembles.demo(null); // what ./blender serve serves without --config
        server = demo.server().port(0).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        demo.close();
    }

    /** The code blocks of the section in one language. */
    static List<String> blocks(String language) {
        List<String> out = new ArrayList<>();
        Matcher m =
                Pattern.compile("```" + language + "\n(.*?)```", Pattern.DOTALL).matcher(section);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A command line split into words as a POSIX shell would: quotes removed, an unquoted # ends the line. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else if (c == '#' && word == null) {
                break;
            } else {
                word = word == null ? new StringBuilder().append(c) : word.append(c);
            }
        }
        assertThat(quote == 0).as("balanced quotes in: %s", line).isTrue();
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }

    /** The README's curl command as a request to the test's server: -H headers, -d body (a POST), the URL. */
    static HttpRequest request(List<String> curl) {
        String url = null;
        String data = null;
        List<String[]> headers = new ArrayList<>();
        for (int i = 1; i < curl.size(); i++) {
            switch (curl.get(i)) {
                case "-s" -> {}
                case "-H" -> headers.add(curl.get(++i).split(":\\s*", 2));
                case "-d" -> data = curl.get(++i);
                default -> {
                    assertThat(curl.get(i))
                            .as("a curl option this test does not know")
                            .doesNotStartWith("-");
                    url = curl.get(i);
                }
            }
        }
        assertThat(url).startsWith(README_ADDRESS);
        HttpRequest.Builder b = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + url.substring(README_ADDRESS.length())));
        headers.forEach(h -> b.header(h[0], h[1]));
        return (data == null ? b.GET() : b.POST(HttpRequest.BodyPublishers.ofString(data))).build();
    }

    static HttpResponse<String> chat(String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void every_curl_example_gets_a_real_answer_from_the_demo_server() throws Exception {
        List<String> commands = new ArrayList<>();
        for (String block : blocks("bash")) {
            for (String line : block.replace("\\\n", " ").split("\n")) {
                if (line.startsWith("curl ")) {
                    commands.add(line);
                }
            }
        }
        assertThat(commands).as("the section's curl examples").hasSizeGreaterThanOrEqualTo(3);
        List<String> paths = new ArrayList<>();
        for (String command : commands) {
            HttpRequest request = request(words(command));
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("%s\n-> %s", command, r.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(r.body());
            String path = request.uri().getPath();
            paths.add(path);
            switch (path) {
                case "/v1/chat/completions" ->
                    assertThat(body.at("/choices/0/message/content").asText()).isNotBlank();
                case "/v1/rank" -> {
                    List<Integer> ranks = new ArrayList<>();
                    body.get("ranks").forEach(n -> ranks.add(n.asInt()));
                    assertThat(new HashSet<>(ranks))
                            .as("the ranks of %s are all different (no tie)", command)
                            .hasSameSizeAs(ranks);
                }
                case "/v1/models/blender" -> assertThat(body.get("id").asText()).isEqualTo("blender");
                default -> {}
            }
        }
        assertThat(paths).contains("/v1/chat/completions", "/v1/rank");
    }

    @Test
    void the_python_snippets_request_gets_the_same_answer_plain_and_streamed() throws Exception {
        List<String> python = blocks("python");
        assertThat(python).hasSize(1);
        String snippet = python.get(0);
        Matcher base = Pattern.compile("base_url=\"([^\"]+)\"").matcher(snippet);
        Matcher model = Pattern.compile("model=\"([^\"]+)\"").matcher(snippet);
        // messages=[...] as a literal, or messages=name with the list assigned to the name on a line of its own
        Matcher messages = Pattern.compile("messages=(\\[.*?\\]|\\w+)[,)]").matcher(snippet);
        assertThat(base.find() && model.find() && messages.find()).as(snippet).isTrue();
        String list = messages.group(1);
        if (!list.startsWith("[")) {
            Matcher assigned =
                    Pattern.compile("(?m)^" + list + " = (\\[.*\\])$").matcher(snippet);
            assertThat(assigned.find()).as("the snippet assigns %s", list).isTrue();
            list = assigned.group(1);
        }
        assertThat(base.group(1)).isEqualTo(README_ADDRESS + "/v1");
        assertThat(snippet).contains("stream=True");
        String body = "{\"model\":" + JSON.writeValueAsString(model.group(1)) + ",\"messages\":" + list;
        HttpResponse<String> plain = chat(body + "}");
        assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
        String answer =
                JSON.readTree(plain.body()).at("/choices/0/message/content").asText();
        assertThat(answer).isNotBlank();

        HttpResponse<String> streamed = chat(body + ",\"stream\":true}");
        assertThat(streamed.statusCode()).isEqualTo(200);
        StringBuilder pieces = new StringBuilder();
        for (String line : streamed.body().split("\n")) {
            if (line.startsWith("data: {")) {
                pieces.append(JSON.readTree(line.substring(6))
                        .at("/choices/0/delta/content")
                        .asText(""));
            }
        }
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
        assertThat(pieces.toString()).isEqualTo(answer);
    }

    @Test
    void a_question_the_demo_has_no_recording_for_gets_a_502_that_lists_the_questions_it_can_answer() throws Exception {
        HttpResponse<String> r = chat("{\"model\":\"blender\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the capital of France?\"}]}");
        assertThat(r.statusCode()).isEqualTo(502);
        String message = JSON.readTree(r.body()).at("/error/message").asText();
        assertThat(message)
                .contains("these members replay recorded answers; ask one of these 8 questions word for word: [");
        for (String question : demo.prompts()) {
            assertThat(message).contains(JSON.writeValueAsString(question));
        }
        // streamed, the same refusal is the stream's one error event, and the connection is dropped after it
        HttpResponse<InputStream> streamed = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"blender\",\"stream\":true,"
                                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<String> events = new ArrayList<>();
        boolean dropped = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(streamed.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        } catch (IOException e) {
            dropped = true;
        }
        assertThat(dropped).isTrue();
        assertThat(JSON.readTree(events.get(events.size() - 1))
                        .at("/error/message")
                        .asText())
                .isEqualTo(message);
        assertThat(events).doesNotContain("[DONE]");
    }
}
