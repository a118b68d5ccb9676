package io.llmblender.runtime.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
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
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
    final List<String> log = new CopyOnWriteArrayList<>();
    /** Every request as "<port> <method> <path> <Authorization header or -">, on this server and others. */
    final List<String> seen = new CopyOnWriteArrayList<>();
    /** Attacks: a handler for one path, taking precedence over the hub's normal answers. */
    final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();

    final AtomicInteger dropNextTransferAfter = new AtomicInteger(-1);
    /** Released after each test, so a handler that stalls on it lets the server stop. */
    final CountDownLatch release = new CountDownLatch(1);

    final List<HttpServer> servers = new ArrayList<>();
    volatile boolean corrupt;

    @BeforeEach
    void start() throws IOException {
        new Random(5).nextBytes(weights);
        server = serve(this::handle);
        endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** A loopback server (on its own port, so another origin) answering with {@code handler}. */
    HttpServer serve(HttpHandler handler) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setExecutor(Executors.newCachedThreadPool()); // a stalling handler must not block the others
        s.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            seen.add(s.getAddress().getPort() + " " + ex.getRequestMethod() + " "
                    + ex.getRequestURI().getPath() + " " + (auth == null ? "-" : auth));
            handler.handle(ex);
        });
        s.start();
        servers.add(s);
        return s;
    }

    @AfterEach
    void stop() {
        release.countDown();
        for (HttpServer s : servers) {
            s.stop(0);
            ((ExecutorService) s.getExecutor()).shutdownNow();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String range = ex.getRequestHeaders().getFirst("Range");
        log.add(ex.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
        HttpHandler attack = routes.get(path);
        if (attack != null) {
            attack.handle(ex);
            return;
        }
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
        assertThatThrownBy(() -> HubClient.fromEnvironment(
                        Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "soon", "HF_HOME", "/a"), HubClient.Progress.NONE))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("HF_HUB_DOWNLOAD_TIMEOUT is 'soon'; set it to a positive number of seconds");
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

    // ---- a hostile hub: each test below plays one attack on loopback ----

    /** A route answering HEAD and GET like the hub's resolve URL of a small file, with the headers given. */
    HttpHandler smallFile(byte[] body, String commit, String etag) {
        return ex -> {
            ex.getResponseHeaders().add("X-Repo-Commit", commit);
            ex.getResponseHeaders().add("ETag", "\"" + etag + "\"");
            send(ex, 200, body, ex.getRequestMethod().equals("HEAD"), 0);
        };
    }

    /** Every regular file and link under {@code tmp}, outside the cache folder too. */
    List<Path> filesUnderTmp() throws IOException {
        try (var walk = Files.walk(tmp)) {
            return walk.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .toList();
        }
    }

    @Test
    void a_commit_or_etag_that_is_not_a_hash_is_refused_before_anything_is_written() throws IOException {
        String file = "/" + REPO + "/resolve/main/config.json";
        String etag = gitBlobSha1(config);
        for (String[] attack : new String[][] {
            {"../../etc", etag, "X-Repo-Commit '../../etc'"},
            {"../../../../" + tmp.getFileName() + "/outside", etag, "X-Repo-Commit '../../"},
            {COMMIT.substring(0, 39), etag, "not a 40-digit lowercase hex commit hash"},
            {COMMIT.toUpperCase(java.util.Locale.ROOT), etag, "not a 40-digit lowercase hex commit hash"},
            {COMMIT, "../../../evil", "the etag '../../../evil'"},
            {COMMIT, etag + "0", "not a 40- or 64-digit lowercase hex digest"},
            {COMMIT, "abc/def", "the etag 'abc/def'"},
        }) {
            routes.put(file, smallFile(config, attack[0], attack[1]));
            assertThatThrownBy(() -> client(false, HubClient.Progress.NONE).download(REPO, "main", "config.json"))
                    .as(attack[0] + " / " + attack[1])
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining(attack[2])
                    .hasMessageContaining("refused");
        }
        assertThat(filesUnderTmp())
                .as("nothing written, in the cache or outside it")
                .isEmpty();
    }

    @Test
    void a_name_that_climbs_out_of_the_cache_is_refused_by_the_cache_itself() {
        HubCache cache = new HubCache(tmp.resolve("hub"));
        assertThatThrownBy(() -> cache.snapshot(REPO, "../../x"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("would lead out of");
        assertThatThrownBy(() -> cache.blob(REPO, "../../../x")).isInstanceOf(HubException.class);
        assertThatThrownBy(() -> cache.commitOf(REPO, "../../../../x")).isInstanceOf(HubException.class);
        assertThatThrownBy(() -> client(false, HubClient.Progress.NONE).download(REPO, "main", "../../../../evil"))
                .isInstanceOf(HubException.class);
    }

    @Test
    void the_token_goes_to_the_endpoint_only_never_to_the_host_a_redirect_names() throws IOException {
        // given a CDN on another port (another origin) and the hub's own name for this server, another host
        HttpServer cdn =
                serve(ex -> send(ex, 200, weights, ex.getRequestMethod().equals("HEAD"), 0));
        int hubPort = server.getAddress().getPort();
        String cdnUrl = "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + sha256(weights);
        String otherName = "http://localhost:" + hubPort + "/cdn/" + sha256(weights);
        List<String> locations = List.of(cdnUrl, otherName);
        for (int i = 0; i < locations.size(); i++) {
            String location = locations.get(i);
            seen.clear();
            routes.put("/" + REPO + "/resolve/main/model.safetensors", ex -> {
                ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
                ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(weights) + "\"");
                ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(weights.length));
                ex.getResponseHeaders().add("Location", location);
                ex.sendResponseHeaders(302, -1);
                ex.close();
            });
            Path hub = tmp.resolve("hub-" + i);
            HubClient client = new HubClient(endpoint, new HubCache(hub), false, "hf_secret", HubClient.Progress.NONE);
            // when
            assertThat(client.download(REPO, "main", "model.safetensors")).hasBinaryContent(weights);
            // then the hub saw the token on HEAD and GET, and the redirect target never did
            assertThat(seen)
                    .filteredOn(l -> l.startsWith(hubPort + " ") && l.contains("/resolve/"))
                    .hasSize(2)
                    .allMatch(l -> l.endsWith(" Bearer hf_secret"));
            assertThat(seen).filteredOn(l -> l.contains(" /cdn/")).hasSize(1).allMatch(l -> l.endsWith(" -"));
        }
        // and a redirect on the endpoint's own origin keeps it (the fixture's LFS answer: Location /cdn/...)
        seen.clear();
        routes.clear();
        new HubClient(endpoint, new HubCache(tmp.resolve("hub-same")), false, "hf_secret", HubClient.Progress.NONE)
                .download(REPO, "main", "model.safetensors");
        assertThat(seen)
                .filteredOn(l -> l.contains(" /cdn/"))
                .hasSize(1)
                .allMatch(l -> l.endsWith(" Bearer hf_secret"));
    }

    @Test
    void a_redirect_loop_ends_at_the_hop_limit() {
        routes.put("/loop", ex -> {
            ex.getResponseHeaders().add("Location", "/loop");
            ex.sendResponseHeaders(302, -1);
            ex.close();
        });
        assertThatThrownBy(() -> client(false, HubClient.Progress.NONE)
                        .downloadUrl(endpoint.resolve("/loop"), tmp.resolve("data/x.json"), null))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("after " + HubClient.MAX_REDIRECTS + " redirects");
        assertThat(seen).hasSize(HubClient.MAX_REDIRECTS + 1);
    }

    @Test
    void a_body_longer_than_its_announced_size_is_cut_off_and_not_kept() throws Exception {
        // given a hub announcing 19 bytes, then streaming 64 MiB
        byte[] announced = "nineteen bytes, ok\n".getBytes(StandardCharsets.UTF_8);
        AtomicLong written = new AtomicLong();
        CountDownLatch hungUp = new CountDownLatch(1);
        routes.put("/" + REPO + "/resolve/main/model.safetensors", ex -> {
            ex.getResponseHeaders().add("X-Repo-Commit", COMMIT);
            ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha256(announced) + "\"");
            ex.getResponseHeaders().add("X-Linked-Size", Integer.toString(announced.length));
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, 0); // chunked: no length of its own
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[1 << 16];
                for (int i = 0; i < 1024; i++) {
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                // the client hung up: the point of the test
            } finally {
                hungUp.countDown();
            }
        });
        // when / then
        assertTimeoutPreemptively(
                Duration.ofSeconds(10),
                () -> assertThatThrownBy(() ->
                                client(false, HubClient.Progress.NONE).download(REPO, "main", "model.safetensors"))
                        .isInstanceOf(HubException.class)
                        .hasMessageContaining("sent more than the 19 bytes it announced")
                        .hasMessageContaining("deleted"));
        HubCache cache = new HubCache(tmp.resolve("hub"));
        assertThat(cache.blob(REPO, sha256(announced))).doesNotExist();
        assertThat(cache.blob(REPO, sha256(announced) + ".incomplete")).doesNotExist();
        assertThat(hungUp.await(10, TimeUnit.SECONDS))
                .as("the server's write fails once the client hangs up")
                .isTrue();
        assertThat(written.get())
                .as("bytes the server got out before the client hung up")
                .isLessThan(32L << 20);
    }

    @Test
    void a_stalled_body_or_header_times_out_after_the_read_timeout() {
        // given a file whose body stops after 1,000 bytes, and one whose headers never come
        routes.put("/cdn/" + sha256(weights), ex -> {
            ex.sendResponseHeaders(200, weights.length);
            ex.getResponseBody().write(weights, 0, 1000);
            ex.getResponseBody().flush();
            await(release); // stalls until the test is over
        });
        routes.put("/" + REPO + "/resolve/main/stalled.json", ex -> await(release));
        HubClient client = new HubClient(
                endpoint,
                new HubCache(tmp.resolve("hub")),
                false,
                null,
                HubClient.Progress.NONE,
                // long enough that a loaded 2-core machine still answers the HEAD requests in time
                Duration.ofMillis(1500));
        // then each attempt gives up after the timeout, and the download fails with the cause
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            assertThatThrownBy(() -> client.download(REPO, "main", "model.safetensors"))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("failed 3 times")
                    .hasMessageContaining("received no data for 1500 ms");
            assertThatThrownBy(() -> client.download(REPO, "main", "stalled.json"))
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining("timed out");
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void a_symlink_planted_in_the_cache_never_leads_a_write_outside_it() throws IOException {
        Path victim = Files.writeString(tmp.resolve("victim.txt"), "the user's own file");
        Path userFolder = Files.createDirectories(tmp.resolve("user-folder"));
        Path userConfig = Files.writeString(userFolder.resolve("config.json"), "the user's config");
        String weightsEtag = sha256(weights);
        String configEtag = gitBlobSha1(config);
        record Plant(String what, String link, Path target, String file) {}
        for (Plant plant : List.of(
                new Plant("partial blob", "blobs/" + weightsEtag + ".incomplete", victim, "model.safetensors"),
                new Plant("blob", "blobs/" + configEtag, victim, "config.json"),
                new Plant("snapshot folder", "snapshots/" + COMMIT, userFolder, "config.json"),
                new Plant("ref", "refs/main", victim, "config.json"),
                new Plant("repository folder", "", userFolder, "config.json"))) {
            // given a fresh cache with one link planted, pointing outside it
            Path hub = tmp.resolve("hub-" + plant.what().replace(' ', '-'));
            Path repo = new HubCache(hub).repo(REPO);
            Path link = plant.link().isEmpty() ? repo : repo.resolve(plant.link());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, plant.target());
            HubClient client = new HubClient(endpoint, new HubCache(hub), false, null, HubClient.Progress.NONE);
            // then the download is refused, naming the link, and the files outside are untouched
            assertThatThrownBy(() -> client.download(REPO, "main", plant.file()))
                    .as(plant.what())
                    .isInstanceOf(HubException.class)
                    .hasMessageContaining(
                            plant.link().isEmpty() ? repo.getFileName().toString() : plant.link())
                    .hasMessageContaining("delete");
            assertThat(victim).as(plant.what()).isRegularFile().hasContent("the user's own file");
            assertThat(userConfig).as(plant.what()).isRegularFile().hasContent("the user's config");
            try (var files = Files.list(userFolder)) {
                assertThat(files).as(plant.what()).containsExactly(userConfig);
            }
        }
    }

    @Test
    void a_cache_root_that_is_itself_a_link_is_the_users_choice_and_works() throws IOException {
        Path real = Files.createDirectories(tmp.resolve("disk/hf-cache"));
        Path root = Files.createSymbolicLink(tmp.resolve("hub-link"), real);
        Path file = new HubClient(endpoint, new HubCache(root), false, null, HubClient.Progress.NONE)
                .download(REPO, "main", "model.safetensors");
        assertThat(file).hasBinaryContent(weights);
        assertThat(real.resolve("models--llm-blender--PairRM-hf/blobs/" + sha256(weights)))
                .isRegularFile();
        assertThat(Files.readSymbolicLink(
                        real.resolve("models--llm-blender--PairRM-hf/snapshots/" + COMMIT + "/model.safetensors")))
                .isEqualTo(Path.of("../../blobs/" + sha256(weights)));
    }

    @Test
    void offline_a_tampered_ref_or_a_snapshot_leading_outside_the_cache_is_refused() throws IOException {
        HubCache cache = new HubCache(tmp.resolve("hub"));
        client(false, HubClient.Progress.NONE).download(REPO, "main", "config.json");
        HubClient offline = client(true, HubClient.Progress.NONE);
        // a snapshot entry replaced by a link to a file outside the cache
        Path victim = Files.writeString(tmp.resolve("secret.txt"), "not a model file");
        Path entry = cache.snapshot(REPO, COMMIT).resolve("config.json");
        Files.delete(entry);
        Files.createSymbolicLink(entry, victim);
        assertThatThrownBy(() -> offline.download(REPO, "main", "config.json"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("outside the cache");
        // a ref that names no commit
        Files.writeString(cache.repo(REPO).resolve("refs/main"), "../../../etc");
        assertThatThrownBy(() -> offline.download(REPO, "main", "config.json"))
                .isInstanceOf(HubException.class)
                .hasMessageContaining("not a 40-digit commit hash");
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
