package io.llmblender.runtime.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llmblender.runtime.ProgressBar;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub client against a real HTTP server on loopback that answers the way the hub's {@code resolve} URLs do:
 * small files directly with their git-blob ETag, LFS files by a 302 to a CDN path with {@code X-Linked-Etag}
 * (sha256) and {@code X-Linked-Size}, {@code X-Repo-Commit} on both, and {@code Range} on the CDN.
 */
class HubClientTest {
    static final String REPO = "llm-blender/PairRM-hf";
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @TempDir
    Path tmp;

    HttpServer server;
    URI endpoint;
    final byte[] config = "{\"model_type\": \"deberta-v2\"}\n".getBytes(StandardCharsets.UTF_8);
    final byte[] weights = new byte[300_000];
    final List<String> log = new ArrayList<>();
    final AtomicInteger dropNextTransferAfter = new AtomicInteger(-1);
    volatile boolean corrupt;

    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(weights);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        log.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        if (path.equals("/" + REPO + "/resolve/main/config.json")) {
            ex.getResponseHeaders().add("ETag", "\"" + gitBlobSha1(config) + "\"");
            send(ex, 200, config, head, 0);
        } else if (path.equals("/" + REPO + "/resolve/main/model.safetensors")) {
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(weights) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(weights.length));
            ex.getResponseHeaders().add("Location", "/cdn/" + sha256(weights));
            ex.sendResponseHeaders(302, -1);
            ex.close();
        } else if (path.startsWith("/cdn/")) {
            byte[] body = weights.clone();
            if (corrupt) {
                body[1234] ^= 1;
            }
            int from = range == null ? 0 : Integer.parseInt(range.replaceAll("bytes=(\\d+)-.*", "$1"));
            if (from > 0) {
                ex.getResponseHeaders()
                        .add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
            }
            send(
                    ex,
                    from > 0 ? 206 : 200,
                    java.util.Arrays.copyOfRange(body, from, body.length),
                    head,
                    dropNextTransferAfter.getAndSet(-1));
        } else {
            send(ex, 404, "Entry not found".getBytes(StandardCharsets.UTF_8), head, 0);
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean head, int dropAfter) throws IOException {
        if (head) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(status, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (dropAfter > 0) {
                out.write(body, 0, dropAfter); // then the connection dies mid-transfer
                out.flush();
                throw new IOException("simulated drop");
            }
            out.write(body);
        }
    }

    HubClient client(boolean offline, HubClient.Progress progress) {
        return new HubClient(endpoint, new HubCache(tmp.resolve("hub")), offline, null, progress);
    }

    @Test
    void files_land_in_the_hub_cache_layout_once() throws IOException {
        // when
        Path folder = client(false, HubClient.Progress.NONE)
                .snapshot(REPO, "main", List.of("config.json", "model.safetensors"));
        // then the snapshot holds both files, linked to blobs named by their etag, and refs/main holds the commit
        HubCache cache = new HubCache(tmp.resolve("hub"));
        assertThat(folder).isEqualTo(cache.snapshot(REPO, COMMIT));
        assertThat(Files.readAllBytes(folder.resolve("config.json"))).isEqualTo(config);
        assertThat(Files.readAllBytes(folder.resolve("model.safetensors"))).isEqualTo(weights);
        assertThat(cache.blob(REPO, sha256(weights))).exists();
        assertThat(cache.blob(REPO, gitBlobSha1(config))).exists();
        assertThat(Files.readString(cache.repo(REPO).resolve("refs/main"))).isEqualTo(COMMIT);
        assertThat(tmp.resolve("hub/models--llm-blender--PairRM-hf")).isDirectory();
        // and a second call only asks for metadata
        log.clear();
        client(false, HubClient.Progress.NONE).snapshot(REPO, "main", List.of("config.json", "model.safetensors"));
        assertThat(log).allMatch(l -> l.startsWith("HEAD "));
    }

    @Test
    void an_interrupted_transfer_resumes_with_a_range_request() throws IOException {
        dropNextTransferAfter.set(100_000);
        List<Long> seen = new ArrayList<>();
        Path file = client(false, (f, done, total) -> seen.add(done)).download(REPO, "main", "model.safetensors");
        assertThat(Files.readAllBytes(file)).isEqualTo(weights);
        assertThat(log).anyMatch(l -> l.startsWith("GET /cdn/") && l.contains("bytes=") && !l.endsWith("bytes=0-"));
        assertThat(seen.get(seen.size() - 1)).isEqualTo(weights.length);
    }

    @Test
    void a_checksum_mismatch_fails_and_leaves_no_blob() {
        corrupt = true;
        assertThatThrownBy(() -> client(false, HubClient.Progress.NONE).download(REPO, "main", "model.safetensors"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("checksum mismatch")
                .hasMessageContaining(sha256(weights));
        HubCache cache = new HubCache(tmp.resolve("hub"));
        assertThat(cache.blob(REPO, sha256(weights))).doesNotExist();
        assertThat(cache.blob(REPO, sha256(weights) + ".incomplete")).doesNotExist();
    }

    @Test
    void a_missing_file_is_a_clear_404() {
        assertThatThrownBy(() -> client(false, HubClient.Progress.NONE).download(REPO, "main", "nope.json"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("has no file 'nope.json' (HTTP 404");
    }

    @Test
    void offline_uses_the_cache_and_names_what_is_missing_without_touching_the_network() {
        client(false, HubClient.Progress.NONE).download(REPO, "main", "config.json");
        log.clear();
        HubClient offline = client(true, HubClient.Progress.NONE);
        assertThat(offline.download(REPO, "main", "config.json")).hasBinaryContent(config);
        assertThatThrownBy(() -> offline.download(REPO, "main", "model.safetensors"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining(REPO + "/model.safetensors is not in the cache")
                .hasMessageContaining("HF_HUB_OFFLINE");
        assertThat(log).isEmpty();
    }

    @Test
    void the_environment_picks_endpoint_cache_and_offline_mode() {
        HubCache cache = HubCache.fromEnvironment(Map.of("HF_HOME", "/data/hf"));
        assertThat(cache.root()).isEqualTo(Path.of("/data/hf/hub"));
        assertThat(HubCache.fromEnvironment(Map.of("HF_HOME", "/a", "HF_HUB_CACHE", "/b"))
                        .root())
                .isEqualTo(Path.of("/b"));
    }

    @Test
    void the_progress_bar_shows_bytes_rate_and_eta() {
        StringWriter sink = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(sink), "model.safetensors", true, () -> 0L);
        String line = bar.line(50L << 20, 100L << 20, 4.0);
        assertThat(line)
                .contains("[############............]")
                .contains("50.0 MiB / 100.0 MiB")
                .contains("12.5 MiB/s")
                .contains("ETA 4s");
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String gitBlobSha1(byte[] b) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-1");
            md.update(("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(md.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
