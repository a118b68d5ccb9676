package io.llmblender.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmblender.orchestrator.server.BlenderServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What {@code blender serve} hands the server: a loaded model serves /v1/compare too; the consensus ranker cannot. */
class EnsemblesServeTest {
    static final Path PAIRRM = Path.of("../ranker/src/test/resources/fixtures/pairrm-e2e")
            .toAbsolutePath()
            .normalize();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final String COMPARE = "{\"input\":\"hello!\",\"a\":\"hi!\",\"b\":\"f**k off!\",\"mode\":\"[A,B]\"}";
    static final String RANK = "{\"input\":\"hello!\",\"candidates\":[\"hi!\",\"f**k off!\"]}";

    static int post(BlenderServer server, String path, String body) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void a_loaded_model_is_both_the_ranker_and_the_pair_scorer() throws Exception {
        try (Ensembles demo = Ensembles.demo(PAIRRM.toString());
                BlenderServer server = demo.server().port(0).start()) {
            assertThat(demo.pairScorer().orElseThrow()).isSameAs(demo.ranker());
            assertThat(post(server, "/v1/rank", RANK)).isEqualTo(200);
            assertThat(post(server, "/v1/compare", COMPARE)).isEqualTo(200);
        }
    }

    @Test
    void the_consensus_ranker_ranks_but_the_server_says_it_cannot_compare() throws Exception {
        try (Ensembles demo = Ensembles.demo(null);
                BlenderServer server = demo.server().port(0).start()) {
            assertThat(demo.pairScorer()).isEmpty();
            assertThat(post(server, "/v1/rank", RANK)).isEqualTo(200);
            assertThat(post(server, "/v1/compare", COMPARE)).isEqualTo(501);
        }
    }
}
