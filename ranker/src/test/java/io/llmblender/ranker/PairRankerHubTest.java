package io.llmblender.ranker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.llmblender.ranker.pairrm.PairRmFixture;
import io.llmblender.runtime.hub.HubCache;
import io.llmblender.runtime.hub.HubClient;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load("llm-blender/PairRM-hf")} end to end: a loopback hub serves the e2e model folder's files. */
class PairRankerHubTest {
    @TempDir
    Path tmp;

    @Test
    void a_hub_id_downloads_once_and_ranks_like_the_local_folder() throws Exception {
        Path folder = PairRmFixture.resource("fixtures/pairrm-e2e");
        AtomicInteger gets = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String name = ex.getRequestURI().getPath().replaceFirst("^/llm-blender/PairRM-hf/resolve/main/", "");
            Path file = folder.resolve(name);
            if (name.contains("/") || !Files.isRegularFile(file)) {
                ex.sendResponseHeaders(404, -1);
                ex.close();
                return;
            }
            byte[] body = Files.readAllBytes(file);
            ex.getResponseHeaders().add("X-Repo-Commit", "c0ffee0000000000000000000000000000000000");
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(body) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(body.length));
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                ex.close();
                return;
            }
            gets.incrementAndGet();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            HubClient hub = new HubClient(endpoint, new HubCache(tmp), false, null, HubClient.Progress.NONE);
            List<String> candidates = List.of("get out!", "hi! I am fine, thanks!", "bye!");
            try (PairRanker fromHub = PairRanker.fromHub("llm-blender/PairRM-hf", hub, PairRankerOptions.DEFAULT);
                    PairRanker local = PairRanker.load(folder)) {
                assertThat(fromHub.rank("hello, how are you!", candidates).scores())
                        .containsExactly(
                                local.rank("hello, how are you!", candidates).scores());
            }
            assertThat(gets.get()).isEqualTo(PairRanker.HUB_FILES.size());
            // a second load is served from the cache
            try (PairRanker again = PairRanker.fromHub("llm-blender/PairRM-hf", hub, PairRankerOptions.DEFAULT)) {
                assertThat(again.options().limits().sourceMaxLength()).isEqualTo(1224);
            }
            assertThat(gets.get()).isEqualTo(PairRanker.HUB_FILES.size());
            assertThatThrownBy(() -> PairRanker.fromHub("not a hub id", hub, PairRankerOptions.DEFAULT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("neither a folder nor a hub id");
        } finally {
            server.stop(0);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
